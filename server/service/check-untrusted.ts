/**
 * The check of a proof from outside this process (a fleet node): a node is never trusted, so
 * before anything is recorded its answer must be a well-formed Groth16 proof (verify.ts's
 * shape checks), verify against the model's verifying key, and carry exactly the served job
 * (check-proof.ts: output or output commitment, input commitment, nonce, weights commitment).
 */
import { verifyGroth16 } from "../../prover/prove.ts";
import type { ProverResult } from "../pool/index.ts";
import { proofMismatch, type ServedJob } from "./check-proof.ts";
import type { LoadedModel } from "./models.ts";
import { checkProofShape, checkPublicSignals } from "./verify.ts";

/** Undefined when the result is a valid proof of the served job; else why not. */
export async function untrustedProblem(m: LoadedModel, job: ServedJob, result: ProverResult): Promise<string | undefined> {
  let proof, signals;
  try {
    proof = checkProofShape(result.proof);
    signals = checkPublicSignals(result.publicSignals, m.info.publicSignals.length);
  } catch (e) {
    return `malformed answer: ${(e as Error).message}`;
  }
  const mismatch = await proofMismatch(m, job, signals);
  if (mismatch) return `not a proof of the served job: ${mismatch}`;
  let ok = false;
  try {
    ok = await verifyGroth16(m.vkey, signals, proof);
  } catch {
    // e.g. a point not on the curve
  }
  return ok ? undefined : "the proof does not verify against the model's verifying key";
}
