/**
 * Worker thread of witness-workers.ts: computes the witnesses of its share of the inputs with
 * prover/witness.ts (one calculator per wasm, as in the main thread) and returns, per input,
 * wires 1..1+nPublic (the public signals) or the error message.
 */
import { parentPort, workerData } from "node:worker_threads";
import { calculateWitness } from "../../prover/witness.ts";

const { wasm, inputs, nPublic } = workerData as { wasm: string; inputs: Record<string, unknown>[]; nPublic: number };
const publics: bigint[][] = [];
try {
  for (const x of inputs) publics.push((await calculateWitness(wasm, x)).slice(1, 1 + nPublic));
  parentPort!.postMessage({ publics });
} catch (e) {
  parentPort!.postMessage({ error: (e as Error).message });
}
