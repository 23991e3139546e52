// The bytes of an initial (phase-2, no contributions yet) Groth16 .zkey exactly as snarkjs'
// newZKey lays them out: magic "zkey", version 1, 10 sections written in the order
// 1, 2, 4, 3, 9, 8, 5, 6, 7, 10, each (u32 id, u64 size, data); integers little-endian,
// points affine little-endian Montgomery ("LEM", infinity all zeros).
import { BN254_Q } from "../field.ts";
import { FR } from "../ptau/field.ts";
import { concat, sectionHeader } from "../ptau/ptau-format.ts";
import { R2, type ZkeyExponents } from "./exponents.ts";
import type { R1csTerms } from "./r1cs-terms.ts";

export const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };

export function section(id: number, body: Uint8Array | Uint8Array[]): Uint8Array {
  const data = Array.isArray(body) ? concat(body) : body;
  return concat([sectionHeader(id, data.length), data]);
}

export function scalarLE(v: bigint): Uint8Array {
  const b = new Uint8Array(32);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < 4; i++) { dv.setBigUint64(i * 8, v & 0xffffffffffffffffn, true); v >>= 64n; }
  return b;
}

/** Section 2: field sizes and moduli, nVars, nPublic, domain size, then the six key points. */
export function grothHeader(r: R1csTerms, domainSize: number, points: Uint8Array[]): Uint8Array {
  return section(2, [u32(32), scalarLE(BN254_Q), u32(32), scalarLE(FR), u32(r.nVars), u32(r.nPublic), u32(domainSize), ...points]);
}

/**
 * Section 4: every A and B term (per constraint: A's, then B's), then one A entry per public
 * row; each (u32 matrix, u32 row, u32 signal, coefficient * R^2 mod r as 32 bytes LE).
 */
export function coefficients(r: R1csTerms): Uint8Array {
  const [A, B] = r.terms;
  const total = A.signal.length + B.signal.length + r.nPublic + 1;
  const out = new Uint8Array(4 + total * 44);
  const dv = new DataView(out.buffer);
  dv.setUint32(0, total, true);
  let o = 4;
  const put = (m: number, c: number, s: number, coef: bigint) => {
    dv.setUint32(o, m, true);
    dv.setUint32(o + 4, c, true);
    dv.setUint32(o + 8, s, true);
    out.set(scalarLE(((coef % FR) * R2) % FR), o + 12);
    o += 44;
  };
  let ia = 0, ib = 0;
  for (let c = 0; c < r.nConstraints; c++) {
    for (; ia < A.signal.length && A.constraint[ia] === c; ia++) put(0, c, A.signal[ia], A.coef[ia]);
    for (; ib < B.signal.length && B.constraint[ib] === c; ib++) put(1, c, B.signal[ib], B.coef[ib]);
  }
  for (let s = 0; s <= r.nPublic; s++) put(0, r.nConstraints + s, s, 1n);
  return out;
}

/** The point sections in file order, with their exponent lists and group. */
export function pointSections(e: ZkeyExponents): { id: number; group: "G1" | "G2"; scalars: bigint[] }[] {
  return [
    { id: 3, group: "G1", scalars: e.ic },
    { id: 8, group: "G1", scalars: e.c },
    { id: 5, group: "G1", scalars: e.a },
    { id: 6, group: "G1", scalars: e.b },
    { id: 7, group: "G2", scalars: e.b },
  ];
}
