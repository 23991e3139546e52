/**
 * A request's input ({ kind, values }) checked and converted to the model's int8 vector by the
 * one input check of prover/ (prover/input-values.ts), so the server, the CLI and the library
 * accept the same values. Each error is a ServiceError("INVALID_ARGUMENT") naming the field
 * ("input.values[0][5]") and what was expected.
 */
import { describeValue, checkInputValues, type CheckedInput, type InputSpec } from "../../prover/input-values.ts";
import { ProverError } from "../../prover/errors.ts";
import { ServiceError, type InferInput } from "../core/types.ts";

export type { CheckedInput, InputSpec };

const bad = (field: string, message: string) => new ServiceError("INVALID_ARGUMENT", `${field}: ${message}`, field);

export function toInt8Input(input: unknown, spec: InputSpec): Int8Array {
  return checkInput(input, spec).x;
}

/** toInt8Input with the count of clipped float values; `strict` refuses the first one (INVALID_ARGUMENT naming it). */
export function checkInput(input: unknown, spec: InputSpec, o: { strict?: boolean } = {}): CheckedInput {
  if (typeof input !== "object" || input === null) throw bad("input", `expected an object { kind: "int8" | "float", values }, got ${describeValue(input)}`);
  const { kind, values } = input as InferInput;
  if (kind !== "int8" && kind !== "float") throw bad("input.kind", `expected "int8" or "float", got ${describeValue(kind)}`);
  try {
    return checkInputValues(values, spec, kind, "input.values", o);
  } catch (e) {
    if (e instanceof ProverError && e.field) throw new ServiceError("INVALID_ARGUMENT", e.message, e.field);
    throw e;
  }
}
