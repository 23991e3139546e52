/**
 * The public signals of many witnesses, computed on all cores: circom's witness wasm is
 * single-threaded and is most of the time of checking a big model on hundreds of inputs, so the
 * inputs are split into one contiguous share per worker thread (each runs the same
 * prover/witness.ts calculateWitness on the same wasm) and the results come back in input order.
 * The caller keeps the main thread for onnxruntime and the evaluator meanwhile.
 */
import os from "node:os";
import { Worker } from "node:worker_threads";

const THREADS = Math.max(1, Math.min(4, os.availableParallelism()));

function runShare(wasm: string, inputs: Record<string, unknown>[], nPublic: number): Promise<bigint[][]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL("./witness-worker-boot.mjs", import.meta.url), {
      // ffjavascript (under circom_runtime) loads the "web-worker" shim, which in a worker thread
      // evaluates workerData.mod as its own script: an empty one makes that harmless.
      workerData: { mod: "data:,", wasm, inputs, nPublic },
    });
    let done = false;
    worker.once("message", (m: { publics?: bigint[][]; error?: string }) => {
      done = true;
      if (m.publics) resolve(m.publics);
      else reject(new Error(m.error));
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => { if (!done) reject(new Error(`witness worker exited (code ${code}) before answering`)); });
  });
}

/** For each input, in order: wires 1..1+nPublic of its witness (as calculateWitness gives them). */
export async function publicWitnesses(wasm: string, inputs: Record<string, unknown>[], nPublic: number): Promise<bigint[][]> {
  const share = Math.ceil(inputs.length / THREADS);
  const shares = Array.from({ length: Math.ceil(inputs.length / share) }, (_, i) => inputs.slice(i * share, (i + 1) * share));
  return (await Promise.all(shares.map((s) => runShare(wasm, s, nPublic)))).flat();
}
