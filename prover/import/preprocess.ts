/**
 * The input preprocessing of an imported model: one affine map per feature, applied in the same
 * way to calibration, test and (by the client) served inputs, and recorded in the manifest:
 *   x' = float32((x * scale + offset - mean) / std)
 * computed in float64 and rounded to float32 (the float ONNX's input type). Each parameter is a
 * scalar or one value per input feature (in the input's flat, C order).
 *
 * The proof covers the integer model from its int8 input on; no preprocessing happens inside
 * it, so the client applies this map itself and sends x' (the float ONNX's input, which the
 * gateway only quantizes), or the int8 input. Values the client computes are then the values
 * the input commitment binds.
 */
import { ProverError } from "../errors.ts";

export interface Preprocessing {
  scale: number | number[];
  offset: number | number[];
  mean: number | number[];
  std: number | number[];
}

export const IDENTITY: Preprocessing = { scale: 1, offset: 0, mean: 0, std: 1 };

export const FORMULA = "x' = float32((x * scale + offset - mean) / std), per feature in the input's flat (C) order, computed in float64";

/** Checks each parameter's length against the feature count and refuses a zero std, naming the option. */
export function checkPreprocessing(p: Preprocessing, features: number, option: (k: keyof Preprocessing) => string = (k) => k): Preprocessing {
  for (const k of ["scale", "offset", "mean", "std"] as const) {
    const v = p[k];
    const list = typeof v === "number" ? [v] : v;
    if (Array.isArray(v) && v.length !== features) throw new ProverError(`${option(k)}: ${v.length} values given, the model's input has ${features} features (give one value, or one per feature)`);
    list.forEach((x, i) => {
      if (!Number.isFinite(x)) throw new ProverError(`${option(k)}${Array.isArray(v) ? `[${i}]` : ""}: ${x} is not a finite number`);
      if (k === "std" && x === 0) throw new ProverError(`${option(k)}${Array.isArray(v) ? `[${i}]` : ""}: a standard deviation of 0 divides by zero`);
    });
  }
  return p;
}

export function isIdentity(p: Preprocessing): boolean {
  return (["scale", "offset", "mean", "std"] as const).every((k) => {
    const v = p[k];
    return (typeof v === "number" ? [v] : v).every((x) => x === IDENTITY[k]);
  });
}

/** x' for one input (see FORMULA). */
export function preprocess(x: ArrayLike<number>, p: Preprocessing): Float32Array {
  const at = (v: number | number[], j: number) => (typeof v === "number" ? v : v[j]);
  return Float32Array.from({ length: x.length }, (_, j) => (x[j] * at(p.scale, j) + at(p.offset, j) - at(p.mean, j)) / at(p.std, j));
}

/** The manifest's record: what the client sends, and how to make it from a raw input. */
export function describePreprocessing(p: Preprocessing) {
  return {
    formula: FORMULA,
    ...p,
    clientSends: isIdentity(p)
      ? "the float input as the float ONNX takes it (the gateway quantizes it), or the int8 input"
      : "x' (this map applied by the client; the gateway only quantizes it), or the int8 input; never the raw x",
  };
}
