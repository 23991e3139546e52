/** Reading a model input for the CLI: a JSON array inline or in a file, integers or floats. */
import { existsSync, readFileSync } from "node:fs";
import { quantizeInput } from "../prover/quantize/index.ts";
import type { Manifest } from "../prover/model-dir.ts";
import { UsageError } from "./args.ts";

export function readInput(arg: string | undefined, manifest: Manifest, floats: boolean): Int8Array {
  if (!arg) throw new UsageError("missing --input (a JSON array, or a file holding one)");
  const text = existsSync(arg) ? readFileSync(arg, "utf8") : arg;
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new UsageError(`--input: neither a file nor valid JSON: ${arg.slice(0, 60)}`);
  }
  const n = manifest.input.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1);
  const flat = Array.isArray(v) ? (v as unknown[]).flat(8) : [];
  if (flat.length !== n) throw new UsageError(`--input: expected an array of ${n} numbers (shape [${manifest.input.shape}]), got ${Array.isArray(v) ? flat.length : typeof v}`);
  flat.forEach((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) throw new UsageError(`--input[${i}]: expected a number, got ${JSON.stringify(x)}`);
    if (!floats && (!Number.isInteger(x) || x < -128 || x > 127)) {
      throw new UsageError(`--input[${i}]: ${x} is not an int8 (-128..127); pass --float to quantize real values with scale 2^${manifest.input.shift}`);
    }
  });
  return floats ? quantizeInput(flat as number[], manifest.input.shift) : Int8Array.from(flat as number[]);
}
