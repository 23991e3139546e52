// Scalar-field (Fr of BN254) arithmetic on BigInt, used to compute the known
// exponents tau^i and L_j(tau) before they are multiplied onto the generators.
// BigInt is fast enough here: the curve work dominates by two orders of magnitude.

import { BN254_R } from "../field.ts";

/** Order of the BN254 (alt_bn128) G1/G2 groups, i.e. snarkjs' curve.r. */
export const FR = BN254_R;

/** 2-adicity of FR - 1: the largest power-of-two evaluation domain is 2^FR_S. */
export const FR_S = 28;

export function mod(a: bigint): bigint {
  const r = a % FR;
  return r < 0n ? r + FR : r;
}

export function mul(a: bigint, b: bigint): bigint {
  return (a * b) % FR;
}

export function pow(base: bigint, e: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  while (e > 0n) {
    if (e & 1n) result = (result * b) % FR;
    b = (b * b) % FR;
    e >>= 1n;
  }
  return result;
}

export function inv(a: bigint): bigint {
  if (mod(a) === 0n) throw new RangeError("inverse of zero in Fr");
  return pow(a, FR - 2n); // Fermat: FR is prime
}

/** Inverts every element with one field inversion (Montgomery's trick). */
export function batchInverse(xs: bigint[]): bigint[] {
  const n = xs.length;
  const prefix = new Array<bigint>(n);
  let acc = 1n;
  for (let i = 0; i < n; i++) {
    prefix[i] = acc;
    acc = (acc * xs[i]) % FR;
  }
  let accInv = inv(acc);
  const out = new Array<bigint>(n);
  for (let i = n - 1; i >= 0; i--) {
    out[i] = (accInv * prefix[i]) % FR;
    accInv = (accInv * xs[i]) % FR;
  }
  return out;
}

let roots: bigint[] | undefined;

/**
 * Primitive 2^p-th root of unity, chosen exactly as ffjavascript does (Fr.w[p]):
 * w[s] = nqr^((r-1) >> s) for the smallest quadratic non-residue nqr >= 2, and
 * w[p] = w[p+1]^2. snarkjs' FFTs (and so the Lagrange sections) depend on this choice.
 */
export function rootOfUnity(p: number): bigint {
  if (!roots) {
    const half = (FR - 1n) >> 1n;
    let nqr = 2n;
    while (pow(nqr, half) === 1n) nqr += 1n;
    const t = (FR - 1n) >> BigInt(FR_S);
    roots = new Array<bigint>(FR_S + 1);
    roots[FR_S] = pow(nqr, t);
    for (let i = FR_S - 1; i >= 0; i--) roots[i] = mul(roots[i + 1], roots[i + 1]);
  }
  if (!Number.isInteger(p) || p < 0 || p > FR_S) throw new RangeError(`no 2^${p}-th root of unity in Fr`);
  return roots[p];
}
