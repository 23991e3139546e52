/** Reading a model input for the CLI: a JSON array inline or in a file, integers or floats. */
import { existsSync, readFileSync } from "node:fs";
import type { Manifest } from "../prover/model-dir.ts";
import { toInt8Input } from "../prover/input-values.ts";
import { UsageError } from "./args.ts";

/** The --input value as the model's int8 vector; checked by the same rules as the server's (prover/input-values.ts). */
export function readInput(arg: string | undefined, manifest: Pick<Manifest, "input">, floats: boolean): Int8Array {
  if (!arg) throw new UsageError("missing --input (a JSON array, or a file holding one)");
  const text = existsSync(arg) ? readFileSync(arg, "utf8") : arg;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`--input: neither a file nor valid JSON: ${arg.slice(0, 60)}`);
  }
  try {
    return toInt8Input(v, manifest.input, floats ? "float" : "int8", "--input");
  } catch (e) {
    const m = (e as Error).message;
    if (floats || !/is not an int8|expected an integer/.test(m)) throw new UsageError(m);
    throw new UsageError(`${m}; pass --float to quantize real values with scale 2^${manifest.input.shift}`);
  }
}
