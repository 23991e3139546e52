/**
 * What a proof must carry to be a proof of *this* model, beyond the verifying key. With hashed
 * weights the circuit proves "an output of some weights whose commitment is the public
 * weightsCommitment": any weights (all zeros and a chosen last bias give any output) satisfy it.
 * Only comparing that signal with the commitment the manifest records for the model binds the
 * proof to the model's weights. Every verifier (CLI, HTTP, gRPC, the server's proof check) asks
 * this one function; the contracts make the same comparison with the registered commitment.
 *
 * @example
 *   const reason = modelCommitmentMismatch(manifest, proofFile.publicSignals);
 *   if (reason) console.log(`INVALID: ${reason}`);
 */
import type { Graph } from "./onnx/graph.ts";
import { committedWeights, type CircuitLayout } from "./inputs.ts";
import { weightsCommitment } from "./commitment.ts";
import { DEFAULT_BIAS_BITS } from "./compiler/compile.ts";

/** The manifest fields the check reads (a Manifest or the server's model info both fit). */
export interface ModelCommitments {
  name: string;
  visibility: { weights: string };
  publicSignals: string[];
  /** Decimal; required when visibility.weights is "hashed". */
  weightsCommitment?: string;
}

const DECIMAL = /^\d{1,78}$/;

/** Undefined when `publicSignals` carry the model's own commitments; else the reason, for a person. */
export function modelCommitmentMismatch(model: ModelCommitments, publicSignals: readonly string[]): string | undefined {
  const layout = model.publicSignals;
  if (publicSignals.length !== layout.length) return `expected ${layout.length} public signals (${model.name}'s layout), got ${publicSignals.length}`;
  const idx = layout.indexOf("weightsCommitment");
  if (model.visibility.weights !== "hashed") {
    return idx < 0 ? undefined : `model ${model.name}: its weights are "${model.visibility.weights}" but its layout has a weightsCommitment signal`;
  }
  if (idx < 0) return `model ${model.name}: hashed weights but no weightsCommitment among its public signals`;
  const expected = model.weightsCommitment;
  if (typeof expected !== "string" || !DECIMAL.test(expected)) {
    return `model ${model.name}: its manifest records no weightsCommitment, so no proof can be tied to its weights (compile it again)`;
  }
  const actual = publicSignals[idx];
  if (typeof actual !== "string" || !DECIMAL.test(actual) || BigInt(actual) !== BigInt(expected)) {
    return `weightsCommitment (public signal ${idx}) is ${String(actual)}, not model ${model.name}'s ${expected}: the proof is for other weights`;
  }
  return undefined;
}

/**
 * Undefined when the manifest's weightsCommitment is the commitment of `graph`'s weights (the
 * ones the prover will feed the circuit); else the reason. A server checks this at start, so a
 * stale manifest fails there rather than in every proof.
 */
export async function weightsCommitmentMismatch(manifest: ModelCommitments & CircuitLayout & { biasBits?: number }, graph: Graph): Promise<string | undefined> {
  if (manifest.visibility.weights !== "hashed") return undefined;
  const actual = String(await weightsCommitment(committedWeights(manifest, graph, manifest.biasBits ?? DEFAULT_BIAS_BITS)));
  if (manifest.weightsCommitment === actual) return undefined;
  return `model ${manifest.name}: the manifest's weightsCommitment ${manifest.weightsCommitment ?? "(none)"} is not the commitment of its ONNX weights ${actual} (compile it again)`;
}
