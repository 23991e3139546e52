/**
 * The prover pool's worker: witness (the circuit's wasm) then snarkjs Groth16, single-threaded
 * in this thread. Proving keys, witness calculators and weights are loaded once per worker and
 * kept (keyed by path), so a proof pays only for witness + MSM/FFT. Loaded by worker-entry.mjs,
 * after snarkjs-in-worker.ts (see there why the order matters).
 */
import { readFileSync } from "node:fs";
import { prepareSnarkjs } from "./snarkjs-in-worker.ts";
import { calculateWtns } from "../../prover/witness.ts";
import { circuitInputs } from "../../prover/inputs.ts";
import { readOnnx } from "../../prover/onnx/proto.ts";
import type { Graph } from "../../prover/onnx/graph.ts";
import type { ProveTask, ProveTaskResult } from "./task.ts";

const zkeys = new Map<string, Uint8Array>();
const graphs = new Map<string, Graph>();

function cached<T>(m: Map<string, T>, key: string, load: () => T): T {
  let v = m.get(key);
  if (v === undefined) m.set(key, (v = load()));
  return v;
}

export default async function prove(task: ProveTask): Promise<ProveTaskResult> {
  const snarkjs = await prepareSnarkjs();
  const t0 = performance.now();
  const zkey = cached(zkeys, task.zkeyPath, () => new Uint8Array(readFileSync(task.zkeyPath)));
  const graph = task.onnxPath ? cached(graphs, task.onnxPath, () => readOnnx(readFileSync(task.onnxPath!))) : undefined;
  const inputs = circuitInputs(task.layout, task.x, {
    graph,
    salt: task.salt === undefined ? undefined : BigInt(task.salt),
    inputSalt: task.inputSalt === undefined ? undefined : BigInt(task.inputSalt),
    nonce: task.nonce === undefined ? undefined : BigInt(task.nonce),
  });
  const wtns = await calculateWtns(task.wasmPath, inputs);
  const { proof, publicSignals } = await snarkjs.groth16.prove(zkey, { type: "mem", data: wtns });
  return { proof, publicSignals, provingMs: Math.round(performance.now() - t0) };
}
