/**
 * The served output is the proven output, bit for bit (DESIGN decision 1): before a proof is
 * handed out or stored, its public signals are decoded with the model's layout and compared
 * with what was served and committed to (output or output commitment, input or input
 * commitment, nonce), and its weights commitment with the model's. The CLI's prove, the
 * library's proveModel and the server's dispatcher all call this one check. A mismatch means
 * the compiler and onnxruntime disagree, or a worker proved with other weights or salts: a bug
 * to shout about, never a proof to hand out.
 */
import { decodePublicSignals } from "./prove.ts";
import { inputCommitment, outputCommitment } from "./commitment.ts";
import { modelCommitmentMismatch, type ModelCommitments } from "./model-commitments.ts";
import { DEFAULT_NONCE, hasNonce } from "./inputs.ts";

export interface ServedModel extends ModelCommitments {
  visibility: { weights: string; input: string; output: string };
}

/** What was served: the int8 input, onnxruntime's output, and the salts and nonce it was to be proved with. */
export interface Served {
  input: ArrayLike<number>;
  output: ArrayLike<number>;
  /** Decimal; the input commitment handed out. Without it, computed from input (and inputSalt). */
  inputCommitment?: string;
  /** The hashed-salted input's salt (decimal or bigint); needed when inputCommitment is not given. */
  inputSalt?: string | bigint;
  /** The hashed output's salt; required for a hashed output (a missing salt is a mismatch, never 0). */
  salt?: string | bigint;
  /** The nonce it was to be proved with (models compiled with one); default DEFAULT_NONCE. */
  nonce?: string | bigint;
}

const sameInts = (a: bigint[], b: ArrayLike<number>) => a.length === b.length && a.every((v, i) => v === BigInt(b[i]));

/** Undefined when `publicSignals` carry exactly what was served; else what differs, for a person. */
export async function proofMismatch(model: ServedModel, served: Served, publicSignals: string[]): Promise<string | undefined> {
  // A proof with other weights (hashed-weights mode) must never be handed out.
  const foreign = modelCommitmentMismatch(model, publicSignals);
  if (foreign) return foreign;
  const vis = model.visibility;
  let d;
  try {
    d = decodePublicSignals(publicSignals, model.publicSignals);
  } catch (e) {
    return `public signals do not fit the model's layout: ${(e as Error).message}`;
  }
  if (vis.output === "hashed") {
    if (served.salt === undefined) return "the output is hashed but no output salt was served with it";
    const c = await outputCommitment(served.output, BigInt(served.salt));
    if (d.outputCommitment !== c) return `proven output commitment ${d.outputCommitment} != commitment of the served output ${c}`;
  } else if (!sameInts(d.output, served.output)) {
    return `proven output [${d.output.join(", ")}] != served output [${Array.from(served.output).join(", ")}]`;
  }
  if (vis.input === "public") {
    if (!sameInts(d.input, served.input)) return "proven input != served input";
  } else {
    let expected: bigint;
    if (served.inputCommitment !== undefined) expected = BigInt(served.inputCommitment);
    else if (vis.input === "hashed-salted" && served.inputSalt === undefined) return "the input commitment is salted but no input salt was served with it";
    else expected = await inputCommitment(served.input, vis.input === "hashed-salted" ? BigInt(served.inputSalt!) : undefined);
    if (d.inputCommitment !== expected) return `proven input commitment ${d.inputCommitment} != served ${expected}`;
  }
  // A proof of another nonce would tell a consumer (an oracle) another observation time.
  const nonce = served.nonce !== undefined ? BigInt(served.nonce) : hasNonce(model) ? DEFAULT_NONCE : undefined;
  if (d.nonce !== nonce) return `proven nonce ${d.nonce} != the one served ${nonce}`;
  return undefined;
}
