// The known exponents of every point in a dev ptau file, computed range by range so
// that each worker job can produce its own slice without shared state:
//   powers:   factor * tau^i                     (sections 2..6)
//   lagrange: factor * L_j(tau) on the 2^p domain (sections 12..15)
import { FR, batchInverse, mul, pow, rootOfUnity } from "./field.ts";

/** Bytes per scalar in job buffers: 32 little-endian bytes + zero padding, so a
 * fixed-base window that straddles the top byte never reads the next scalar. */
export const SCALAR_STRIDE = 40;

export type ScalarJob =
  | { kind: "powers"; start: number; count: number; factor: bigint }
  | { kind: "lagrange"; p: number; start: number; count: number; factor: bigint; truncated: boolean }
  | { kind: "list"; scalars: bigint[] };

export function jobCount(job: ScalarJob): number {
  return job.kind === "list" ? job.scalars.length : job.count;
}

/** factor * tau^i for i in [start, start + count). */
export function powerScalars(tau: bigint, factor: bigint, start: number, count: number): bigint[] {
  const out = new Array<bigint>(count);
  let cur = mul(factor, pow(tau, BigInt(start)));
  for (let i = 0; i < count; i++) {
    out[i] = cur;
    cur = (cur * tau) % FR;
  }
  return out;
}

/**
 * factor * L_j(tau) for j in [start, start + count) on the domain of the 2^p-th roots
 * of unity, with L_j(tau) = (tau^n - 1)/n * w^j / (tau - w^j).
 *
 * `truncated` reproduces what snarkjs' prepare phase2 writes for the extra domain
 * 2^(power+1) of section 12: it runs the inverse FFT over tau^0..tau^(n-2) with the
 * last point set to zero (the file has only 2n-1 tauG1 points), which removes the
 * tau^(n-1) term: L_j(tau) - tau^(n-1) * w^j / n  (the leading coefficient of L_j is w^j/n).
 */
export function lagrangeScalars(
  tau: bigint, factor: bigint, p: number, start: number, count: number, truncated: boolean,
): bigint[] {
  const n = 2 ** p;
  const nBig = BigInt(n);
  const w = rootOfUnity(p);
  const tauN = pow(tau, nBig);
  if (tauN === 1n) throw new RangeError("tau is a root of unity of the domain; choose another seed");
  const nInv = pow(nBig, FR - 2n);
  const zOverN = mul(mul(tauN - 1n + FR, nInv), factor); // factor * (tau^n - 1) / n
  const tailCoef = truncated ? mul(mul(pow(tau, nBig - 1n), nInv), factor) : 0n;

  const wj = new Array<bigint>(count);
  const denom = new Array<bigint>(count);
  let cur = pow(w, BigInt(start));
  for (let k = 0; k < count; k++) {
    wj[k] = cur;
    denom[k] = (tau - cur + FR) % FR;
    cur = (cur * w) % FR;
  }
  const denomInv = batchInverse(denom);
  const out = new Array<bigint>(count);
  for (let k = 0; k < count; k++) {
    let v = (((zOverN * wj[k]) % FR) * denomInv[k]) % FR;
    if (truncated) v = (v - ((tailCoef * wj[k]) % FR) + FR) % FR;
    out[k] = v;
  }
  return out;
}

export function computeScalars(tau: bigint, job: ScalarJob): bigint[] {
  switch (job.kind) {
    case "powers": return powerScalars(tau, job.factor, job.start, job.count);
    case "lagrange": return lagrangeScalars(tau, job.factor, job.p, job.start, job.count, job.truncated);
    case "list": return job.scalars;
  }
}

/** Little-endian, SCALAR_STRIDE bytes apart: the layout the fixed-base multiplier reads. */
export function encodeScalars(scalars: bigint[]): Uint8Array {
  const buf = new Uint8Array(scalars.length * SCALAR_STRIDE + 8);
  const dv = new DataView(buf.buffer);
  const mask = (1n << 64n) - 1n;
  for (let i = 0; i < scalars.length; i++) {
    let s = scalars[i];
    const o = i * SCALAR_STRIDE;
    for (let limb = 0; limb < 4; limb++) {
      dv.setBigUint64(o + limb * 8, s & mask, true);
      s >>= 64n;
    }
  }
  return buf;
}
