/**
 * The one check of a model input, used by the CLI (--input), the server (input.values) and the
 * library (proveModel): whatever the door, the same values are accepted or refused alike.
 *
 * Shape: a flat array of prod(shape) values, or nested arrays matching the model's input shape,
 * with or without its leading dimensions of 1 ([1, 64] accepts [[...64]] and [...64]); every
 * level's length is checked, so an 8x8 image sent as 4 rows of 16 is refused, not reinterpreted.
 * kind "int8": integers in -128..127, taken as they are.
 * kind "float": finite numbers, quantized with the model's input shift as its calibration did:
 *   q = clamp(round_half_away_from_zero(x * 2^shift), -128, 127) (quantizeInput).
 * Errors are ProverErrors whose message starts with the field ("--input[0][5]: ...") and whose
 * `field` is that path.
 */
import { ProverError } from "./errors.ts";
import { quantizeInput } from "./quantize/scales.ts";

export type InputKind = "int8" | "float";

export interface InputSpec {
  /** The model's input shape; a symbolic dimension (a string) counts as 1. */
  shape: readonly (number | string)[];
  shift: number;
}

const bad = (field: string, message: string) => new ProverError(`${field}: ${message}`, { field });

export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return `an array of ${v.length}`;
  return typeof v === "number" || typeof v === "string" ? `${typeof v} ${JSON.stringify(v)}` : typeof v;
}

/** Flattens `v` against `shape`, checking each level's length; leaves are returned unchecked. */
function flatten(v: unknown, shape: number[], field: string, out: unknown[]): void {
  if (shape.length === 0) {
    out.push(v);
    return;
  }
  if (!Array.isArray(v)) throw bad(field, `expected an array of ${shape[0]} (shape [${shape.join(", ")}]), got ${describeValue(v)}`);
  if (v.length !== shape[0]) throw bad(field, `expected ${shape[0]} elements (shape [${shape.join(", ")}]), got ${v.length}`);
  for (let i = 0; i < v.length; i++) flatten(v[i], shape.slice(1), `${field}[${i}]`, out);
}

const depth = (v: unknown): number => (Array.isArray(v) ? 1 + (v.length ? depth(v[0]) : 0) : 0);

/** Field name of flat index i in the layout the caller sent. */
function fieldOf(root: string, i: number, shape: number[]): string {
  const idx: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    idx.unshift(i % shape[d]);
    i = Math.floor(i / shape[d]);
  }
  return root + idx.map((k) => `[${k}]`).join("");
}

/**
 * Checks `values` against the model's input and returns the int8 vector the model runs on.
 * Example: `toInt8Input([[0, 1], [2, 3]], { shape: [1, 2, 2], shift: 4 }, "int8", "--input")`.
 */
export function toInt8Input(values: unknown, spec: InputSpec, kind: InputKind, field: string): Int8Array {
  return checkInputValues(values, spec, kind, field).x;
}

/** The exactly representable float range of an input shift: q / 2^shift for q in -128..127. */
export function floatRange(shift: number): { min: number; max: number } {
  return { min: -128 / 2 ** shift, max: 127 / 2 ** shift };
}

export interface CheckedInput {
  x: Int8Array;
  /** kind "float": how many values quantized outside -128..127 and were clipped to it. */
  clipped: number;
  /** The field of the first clipped value, e.g. "input.values[3]". */
  firstClipped?: string;
}

/**
 * As toInt8Input, also counting the float values that the quantization clips (their
 * round(x * 2^shift) falls outside -128..127); `strict` refuses the first one instead, naming it.
 */
export function checkInputValues(values: unknown, spec: InputSpec, kind: InputKind, field: string, o: { strict?: boolean } = {}): CheckedInput {
  const full = spec.shape.map((d) => (typeof d === "number" ? d : 1));
  const n = full.reduce((a, b) => a * b, 1);
  // The caller's layout: the model shape less leading 1s until the depths match (flat = [n]).
  const given: unknown = ArrayBuffer.isView(values) ? Array.from(values as unknown as ArrayLike<number>) : values;
  let shape = full;
  const d = depth(given);
  while (shape.length > d && shape[0] === 1) shape = shape.slice(1);
  if (d === 1 && shape.length > 1) shape = [n];
  const flat: unknown[] = [];
  flatten(given, shape, field, flat);
  let clipped = 0;
  let firstClipped: string | undefined;
  const scale = 2 ** spec.shift;
  for (let i = 0; i < flat.length; i++) {
    const v = flat[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw bad(fieldOf(field, i, shape), `expected a finite number, got ${describeValue(v)}`);
    if (kind === "int8") {
      if (!Number.isInteger(v)) throw bad(fieldOf(field, i, shape), `expected an integer (an int8: the input is already quantized), got ${v}`);
      if (v < -128 || v > 127) throw bad(fieldOf(field, i, shape), `${v} is not an int8 (-128..127)`);
      continue;
    }
    const q = Math.sign(v) * Math.round(Math.abs(v) * scale);
    if (q >= -128 && q <= 127) continue;
    if (o.strict) {
      const r = floatRange(spec.shift);
      throw bad(fieldOf(field, i, shape), `${v} is outside the range the input scale 2^${spec.shift} represents (${r.min}..${r.max}; it would be clipped to ${q < 0 ? r.min : r.max}); strict mode refuses it`);
    }
    clipped++;
    firstClipped ??= fieldOf(field, i, shape);
  }
  const x = kind === "int8" ? Int8Array.from(flat as number[]) : quantizeInput(flat as number[], spec.shift);
  return firstClipped === undefined ? { x, clipped } : { x, clipped, firstClipped };
}
