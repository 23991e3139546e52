/**
 * The input side of a request, shared by infer and commit: the input checked and quantized
 * (clipped float values counted, or refused in strict mode) and its commitment as the circuit
 * computes it, so a client can learn the commitment (e.g. to open an escrow request bound to it)
 * without a job or a proof.
 */
import { inputCommitment } from "../../prover/commitment.ts";
import { floatRange } from "../../prover/input-values.ts";
import { checkInput, type CheckedInput } from "../engine/index.ts";
import { ServiceError, type CommitInput, type CommitResult, type InputWarning } from "../core/types.ts";
import { checkInputSalt } from "./input-salt.ts";
import type { LoadedModel } from "./models.ts";

/** The request's input as the model's int8 vector; `strict` must be a boolean when given. */
export function quantizedInput(m: LoadedModel, input: CommitInput): CheckedInput {
  if (input.strict !== undefined && typeof input.strict !== "boolean") {
    throw new ServiceError("INVALID_ARGUMENT", `strict: expected true or false, got ${JSON.stringify(input.strict)?.slice(0, 40)}`, "strict");
  }
  return checkInput(input, { shape: m.info.input.shape, shift: m.info.input.shift }, { strict: input.strict === true });
}

/** The warning an answer carries when float values were clipped; undefined when none was. */
export function clipWarning(m: LoadedModel, c: CheckedInput): InputWarning | undefined {
  if (!c.clipped || c.firstClipped === undefined) return undefined;
  const r = floatRange(m.info.input.shift);
  return {
    code: "INPUT_CLIPPED",
    clipped: c.clipped,
    field: c.firstClipped,
    message: `${c.clipped} float value(s) outside ${r.min}..${r.max} (what model ${m.info.name}'s input scale 2^${m.info.input.shift} represents) were clipped to that range, the first ${c.firstClipped}; the output and its proof are of the clipped input. Send strict: true to refuse such an input instead`,
  };
}

export async function commitInput(m: LoadedModel, input: CommitInput): Promise<CommitResult> {
  if (m.info.visibility.input === "public") {
    throw new ServiceError("INVALID_ARGUMENT", `model: ${m.info.name}'s input is public (its proof carries the input values as public signals), so there is no input commitment to compute`, "model");
  }
  const checked = quantizedInput(m, input);
  const salt = checkInputSalt(input.inputSalt, m);
  const r: CommitResult = { modelId: m.info.id, inputCommitment: (await inputCommitment(Array.from(checked.x), salt)).toString() };
  if (salt !== undefined) r.inputSalt = salt.toString();
  const warning = clipWarning(m, checked);
  if (warning) r.warning = warning;
  return r;
}
