/** The messages between the service and a prover worker: plain data (structured clone). */
import type { CircuitLayout } from "../../prover/inputs.ts";

export interface ProveTask {
  requestId: string;
  zkeyPath: string;
  wasmPath: string;
  /** Only when the circuit takes the weights as inputs (hashed weights): the worker reads them once. */
  onnxPath?: string;
  layout: CircuitLayout;
  /** The int8 input. */
  x: number[];
  /** Decimal; only when the output is hashed. */
  salt?: string;
  /** Decimal; only when the input commitment is salted. */
  inputSalt?: string;
  /** Decimal; only when the circuit has a nonce input. */
  nonce?: string;
}

export interface ProveTaskResult {
  proof: { pi_a: string[]; pi_b: string[][]; pi_c: string[]; protocol: string; curve: string };
  publicSignals: string[];
  /** Witness + proof, measured in the worker (no queueing time). */
  provingMs: number;
}
