// Byte layout of snarkjs' binary .ptau container (see snarkjs powersoftau_new.js,
// powersoftau_utils.js and @iden3/binfileutils): magic "ptau", version 1, section
// count, then sections as (u32 id, u64 byte size, data). All integers little-endian.
// Points are affine, little-endian Montgomery ("LEM"); the point at infinity is all zeros.

import { BN254_Q } from "../field.ts";

/** BN254 base-field modulus q (written in the header section); defined once, in prover/field.ts. */
export { BN254_Q };
export const G1_BYTES = 64;
export const G2_BYTES = 128;
export const PTAU_MAGIC = "ptau";

export function fileHeader(nSections: number): Uint8Array {
  const b = new Uint8Array(12);
  const dv = new DataView(b.buffer);
  for (let i = 0; i < 4; i++) b[i] = PTAU_MAGIC.charCodeAt(i);
  dv.setUint32(4, 1, true);
  dv.setUint32(8, nSections, true);
  return b;
}

export function sectionHeader(id: number, size: number): Uint8Array {
  const b = new Uint8Array(12);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, id, true);
  dv.setBigUint64(4, BigInt(size), true);
  return b;
}

/** Section 1: n8 (bytes per base-field element), q, power, ceremonyPower. */
export function headerSection(power: number): Uint8Array {
  const body = new Uint8Array(4 + 32 + 4 + 4);
  const dv = new DataView(body.buffer);
  dv.setUint32(0, 32, true);
  let q = BN254_Q;
  for (let i = 0; i < 32; i++) { body[4 + i] = Number(q & 0xffn); q >>= 8n; }
  dv.setUint32(36, power, true);
  dv.setUint32(40, power, true);
  return concat([sectionHeader(1, body.length), body]);
}

export interface ContributionRecord {
  /** LEM points: tau*G1, tau*G2, alpha*G1, beta*G1, beta*G2. */
  tauG1: Uint8Array; tauG2: Uint8Array; alphaG1: Uint8Array; betaG1: Uint8Array; betaG2: Uint8Array;
  /** LEM public key: 6 G1 (tau/alpha/beta g1_s, g1_sx) then 3 G2 (tau/alpha/beta g2_spx). */
  pubKey: Uint8Array;
  name: string;
}

/**
 * Section 7 with one contribution, as snarkjs' writeContribution lays it out. The
 * transcript hashes (partialHash, nextChallenge) are zero: no ceremony produced this
 * file, so `snarkjs powersoftau verify` is expected to reject it; setup commands never
 * read them.
 */
export function contributionsSection(c: ContributionRecord): Uint8Array {
  const name = new TextEncoder().encode(c.name);
  if (name.length > 64) throw new RangeError("contribution name is limited to 64 bytes by snarkjs");
  const params = new Uint8Array([1, name.length, ...name]); // param 1 = name
  const u32 = (v: number) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, v, true); return b; };
  const body = concat([
    u32(1),
    c.tauG1, c.tauG2, c.alphaG1, c.betaG1, c.betaG2,
    c.pubKey,
    new Uint8Array(216), // partialHash (blake2b state of the response hash)
    new Uint8Array(64), // nextChallenge
    u32(0), // type 0: ordinary contribution (not a beacon)
    u32(params.length), params,
  ]);
  return concat([sectionHeader(7, body.length), body]);
}

export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
