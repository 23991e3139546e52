/**
 * The served output is the proven output, bit for bit (DESIGN decision 1): before a proof is
 * stored, its public signals are decoded with the model's layout and compared with what the
 * job served and committed to (and the nonce it was given), and its weights commitment with the model's. A mismatch means
 * the compiler and onnxruntime disagree, or a worker proved with other weights: a bug to shout
 * about, never a proof to hand out.
 */
import { decodePublicSignals } from "../../prover/prove.ts";
import { outputCommitment } from "../../prover/commitment.ts";
import { modelCommitmentMismatch } from "../../prover/model-commitments.ts";
import { DEFAULT_NONCE, hasNonce } from "../../prover/inputs.ts";
import type { LoadedModel } from "./models.ts";

export interface ServedJob {
  input: number[];
  output: number[];
  inputCommitment?: string;
  salt?: string;
  /** Decimal; the nonce the job was to be proved with (models compiled with one). */
  nonce?: string;
}

const sameInts = (a: bigint[], b: number[]) => a.length === b.length && a.every((v, i) => v === BigInt(b[i]));

/** Undefined when the proof carries exactly the served job; else what differs. */
export async function proofMismatch(model: LoadedModel, job: ServedJob, publicSignals: string[]): Promise<string | undefined> {
  // A worker proving with other weights (hashed-weights mode) must never have its proof stored.
  const foreign = modelCommitmentMismatch(model.dir.manifest, publicSignals);
  if (foreign) return foreign;
  const vis = model.info.visibility;
  let d;
  try {
    d = decodePublicSignals(publicSignals, model.info.publicSignals);
  } catch (e) {
    return `public signals do not fit the model's layout: ${(e as Error).message}`;
  }
  if (vis.output === "hashed") {
    const c = await outputCommitment(job.output, BigInt(job.salt ?? "0"));
    if (d.outputCommitment !== c) return `proven output commitment ${d.outputCommitment} != commitment of the served output ${c}`;
  } else if (!sameInts(d.output, job.output)) {
    return `proven output [${d.output.join(", ")}] != served output [${job.output.join(", ")}]`;
  }
  if (vis.input !== "public" && job.inputCommitment !== undefined && d.inputCommitment !== BigInt(job.inputCommitment)) {
    return `proven input commitment ${d.inputCommitment} != stored ${job.inputCommitment}`;
  }
  if (vis.input === "public" && !sameInts(d.input, job.input)) return "proven input != stored input";
  // A proof of another nonce would tell a consumer (an oracle) another observation time.
  const nonce = job.nonce !== undefined ? BigInt(job.nonce) : hasNonce(model.info) ? DEFAULT_NONCE : undefined;
  if (d.nonce !== nonce) return `proven nonce ${d.nonce} != the job's ${nonce}`;
  return undefined;
}
