/**
 * Checks and converts a request's input to the model's int8 vector. Each error is a
 * ServiceError("INVALID_ARGUMENT") naming the field ("input.values[0][5]") and what was expected.
 *
 * Shape: a flat array of prod(shape) values, or nested arrays matching the model's input shape,
 * with or without its leading batch dimensions of 1 ([1, 64] accepts [[...64]] and [...64]).
 * kind "int8": integers in -128..127, taken as they are.
 * kind "float": finite numbers, quantized with the model's input shift, exactly as the
 *   model's calibration did: q = clamp(round_half_away_from_zero(x * 2^shift), -128, 127)
 *   (prover/quantize quantizeInput; e.g. shift 4: 0.03125 → 1 (0.5 rounds away from zero),
 *   -0.03125 → -1, 100 → 127).
 */
import { quantizeInput } from "../../prover/quantize/scales.ts";
import { ServiceError, type InferInput } from "../core/types.ts";

export interface InputSpec {
  shape: number[];
  shift: number;
}

const bad = (field: string, message: string) => new ServiceError("INVALID_ARGUMENT", `${field}: ${message}`, field);

/** Flattens `v` against `shape`, checking each level's length; leaves are returned unchecked. */
function flatten(v: unknown, shape: number[], field: string, out: unknown[]): void {
  if (shape.length === 0) {
    out.push(v);
    return;
  }
  if (!Array.isArray(v)) throw bad(field, `expected an array of ${shape[0]} (shape [${shape.join(", ")}]), got ${describe(v)}`);
  if (v.length !== shape[0]) throw bad(field, `expected ${shape[0]} elements (shape [${shape.join(", ")}]), got ${v.length}`);
  v.forEach((e, i) => flatten(e, shape.slice(1), `${field}[${i}]`, out));
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === "number" || typeof v === "string" ? `${typeof v} ${JSON.stringify(v)}` : typeof v;
}

const depth = (v: unknown): number => (Array.isArray(v) ? 1 + (v.length ? depth(v[0]) : 0) : 0);

/** Field name of flat index i in the layout the client sent. */
function fieldOf(i: number, shape: number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return "input.values" + idx.map((k) => `[${k}]`).join("");
}

export function toInt8Input(input: unknown, spec: InputSpec): Int8Array {
  if (typeof input !== "object" || input === null) throw bad("input", `expected an object { kind: "int8" | "float", values }, got ${describe(input)}`);
  const { kind, values } = input as InferInput;
  if (kind !== "int8" && kind !== "float") throw bad("input.kind", `expected "int8" or "float", got ${describe(kind)}`);
  const n = spec.shape.reduce((a, b) => a * b, 1);
  // The client's layout: the model shape less leading 1s until the depths match (flat = [n]).
  let shape = spec.shape;
  const d = depth(values);
  while (shape.length > d && shape[0] === 1) shape = shape.slice(1);
  if (d === 1 && shape.length > 1) shape = [n];
  const flat: unknown[] = [];
  flatten(values, shape, "input.values", flat);
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad(fieldOf(i, shape), `expected a finite number, got ${describe(v)}`);
    if (kind === "int8") {
      if (!Number.isInteger(v)) throw bad(fieldOf(i, shape), `expected an integer (kind "int8"), got ${v}`);
      if (v < -128 || v > 127) throw bad(fieldOf(i, shape), `expected an int8 in -128..127, got ${v}`);
    }
  }
  return kind === "int8" ? Int8Array.from(flat as number[]) : quantizeInput(flat as number[], spec.shift);
}
