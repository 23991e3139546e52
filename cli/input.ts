/** Reading a model input for the CLI: a JSON array inline or in a file, integers or floats. */
import { existsSync, readFileSync } from "node:fs";
import type { Manifest } from "../prover/model-dir.ts";
import { checkInputValues, type CheckedInput } from "../prover/input-values.ts";
import { UsageError } from "./args.ts";

/** The --input value as the model's int8 vector; checked by the same rules as the server's (prover/input-values.ts). */
export function readInput(arg: string | undefined, manifest: Pick<Manifest, "input">, floats: boolean): Int8Array {
  return readCheckedInput(arg, manifest, floats).x;
}

/** The --input value as JSON, unchecked (a gateway checks it). */
export function readInputJson(arg: string | undefined): unknown {
  if (!arg) throw new UsageError("missing --input (a JSON array, or a file holding one)");
  const text = existsSync(arg) ? readFileSync(arg, "utf8") : arg;
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`--input: neither a file nor valid JSON: ${arg.slice(0, 60)}`);
  }
}

/** As readInput, with the count of clipped float values; `strict` refuses the first one. */
export function readCheckedInput(arg: string | undefined, manifest: Pick<Manifest, "input">, floats: boolean, strict = false): CheckedInput {
  const v = readInputJson(arg);
  try {
    return checkInputValues(v, manifest.input, floats ? "float" : "int8", "--input", { strict });
  } catch (e) {
    const m = (e as Error).message;
    if (floats || !/is not an int8|expected an integer/.test(m)) throw new UsageError(m);
    throw new UsageError(`${m}; pass --float to quantize real values with scale 2^${manifest.input.shift}`);
  }
}
