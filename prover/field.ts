/**
 * The BN254 (alt_bn128, snarkjs' "bn128") field constants, the only copies in TypeScript, and
 * helpers for signed integers as scalar-field elements and back.
 */

/** Scalar field order r (snarkjs' curve.r): every public signal and witness value is below it. */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

/** Base field modulus q: every proof coordinate is below it. */
export const BN254_Q = 21888242871839275222246405745257275088696311157297823662689037894645226208583n;

export function toField(v: bigint | number): bigint {
  const b = BigInt(v) % BN254_R;
  return b < 0n ? b + BN254_R : b;
}

/** A field element read as a signed integer: values above r/2 are negative. */
export function fromField(f: bigint | string): bigint {
  const b = BigInt(f);
  return b > BN254_R / 2n ? b - BN254_R : b;
}
