/** Power-of-two scale choices shared by the quantizer's layer builders. */

/** max |v| by a loop: Math.max(...v) overflows the stack on large tensors. */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

/**
 * The largest s with maxAbs * 2^s <= limit. Weights use 127 (symmetric, never clamped);
 * activations and inputs use 128: only the very largest value may clamp to 127.
 */
export function shiftFor(maxAbsValue: number, limit: number): number {
  if (!(maxAbsValue > 0)) return 0;
  return Math.floor(Math.log2(limit / maxAbsValue));
}

export function quantizeWeights(w: ArrayLike<number>, shift: number): Int8Array {
  return Int8Array.from(w, (v) => Math.max(-127, Math.min(127, Math.round(v * 2 ** shift))));
}

/** Quantizes an input vector: q = clamp(round_half_away_from_zero(x * 2^shift), -128, 127). */
export function quantizeInput(x: ArrayLike<number>, inputShift: number): Int8Array {
  const s = 2 ** inputShift;
  return Int8Array.from(x, (v) => Math.max(-128, Math.min(127, Math.sign(v) * Math.round(Math.abs(v) * s))));
}
