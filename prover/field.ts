/** BN254 scalar field helpers: signed integers as field elements and back. */
export const BN254_R = 21888242871839275222246405745257275088548364400416034343698204186575808495617n;

export function toField(v: bigint | number): bigint {
  const b = BigInt(v) % BN254_R;
  return b < 0n ? b + BN254_R : b;
}

/** A field element read as a signed integer: values above r/2 are negative. */
export function fromField(f: bigint | string): bigint {
  const b = BigInt(f);
  return b > BN254_R / 2n ? b - BN254_R : b;
}
