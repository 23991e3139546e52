/**
 * The dispatcher's check that a proof carries the served job, by the one check of prover/
 * (prover/served-check.ts) on the job's stored row.
 */
import { proofMismatch as mismatch } from "../../prover/served-check.ts";
import type { LoadedModel } from "./models.ts";

export interface ServedJob {
  input: number[];
  output: number[];
  inputCommitment?: string;
  salt?: string;
  /** Decimal; the nonce the job was to be proved with (models compiled with one). */
  nonce?: string;
}

/** Undefined when the proof carries exactly the served job; else what differs. */
export function proofMismatch(model: LoadedModel, job: ServedJob, publicSignals: string[]): Promise<string | undefined> {
  return mismatch({ ...model.dir.manifest, visibility: model.info.visibility, publicSignals: model.info.publicSignals }, job, publicSignals);
}
