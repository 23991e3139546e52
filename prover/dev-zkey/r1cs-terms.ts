// Every term of an .r1cs file in file order, duplicates included: snarkjs' newZKey writes one
// coefficient entry per A and B term (prover/r1cs.ts merges duplicates into a Map, which would
// change section 4). Returns undefined for anything outside what this fast path reproduces.
import { readFileSync } from "node:fs";
import { FR } from "../ptau/field.ts";

export interface R1csTerms {
  nVars: number;
  /** Outputs plus public inputs (snarkjs' nPublic). */
  nPublic: number;
  nConstraints: number;
  /** Per matrix (0 = A, 1 = B, 2 = C): parallel arrays over its terms, in file order. */
  terms: [MatrixTerms, MatrixTerms, MatrixTerms];
}

export interface MatrixTerms {
  constraint: number[];
  signal: number[];
  /** As written in the file (32 bytes little-endian, possibly >= r). */
  coef: bigint[];
}

export function readR1csTerms(file: string): R1csTerms | string {
  const buf = readFileSync(file);
  if (buf.length < 12 || buf.toString("latin1", 0, 4) !== "r1cs") return "not an r1cs file";
  if (buf.readUInt32LE(4) !== 1) return `r1cs version ${buf.readUInt32LE(4)} (snarkjs reads version 1)`;
  const sections = new Map<number, { offset: number; size: number }>();
  let pos = 12;
  for (let i = 0, n = buf.readUInt32LE(8); i < n; i++) {
    if (pos + 12 > buf.length) return "truncated section table";
    const id = buf.readUInt32LE(pos);
    const size = Number(buf.readBigUInt64LE(pos + 4));
    if (pos + 12 + size > buf.length) return `section ${id} runs past the end`;
    if (!sections.has(id)) sections.set(id, { offset: pos + 12, size });
    pos += 12 + size;
  }
  const h = sections.get(1), cs = sections.get(2);
  if (!h || !cs) return "no header or constraints section";
  if (buf.readUInt32LE(h.offset) !== 32) return "field size is not 32 bytes";
  if (readScalar(buf, h.offset + 4) !== FR) return "prime is not the bn128 scalar field";
  const o = h.offset + 36;
  const nVars = buf.readUInt32LE(o);
  const nPublic = buf.readUInt32LE(o + 4) + buf.readUInt32LE(o + 8);
  const nConstraints = buf.readUInt32LE(o + 24);
  const terms: R1csTerms["terms"] = [0, 1, 2].map(() => ({ constraint: [], signal: [], coef: [] })) as unknown as R1csTerms["terms"];
  let p = cs.offset;
  const end = cs.offset + cs.size;
  for (let c = 0; c < nConstraints; c++) {
    for (const m of terms) {
      if (p + 4 > end) return "constraints section is truncated";
      const n = buf.readUInt32LE(p);
      p += 4;
      if (p + n * 36 > end) return "constraints section is truncated";
      for (let i = 0; i < n; i++, p += 36) {
        const s = buf.readUInt32LE(p);
        if (s >= nVars) return `constraint ${c} names signal ${s} >= nVars ${nVars}`;
        m.constraint.push(c);
        m.signal.push(s);
        m.coef.push(readScalar(buf, p + 4));
      }
    }
  }
  return { nVars, nPublic, nConstraints, terms };
}

function readScalar(buf: Buffer, o: number): bigint {
  return buf.readBigUInt64LE(o) | (buf.readBigUInt64LE(o + 8) << 64n) | (buf.readBigUInt64LE(o + 16) << 128n) | (buf.readBigUInt64LE(o + 24) << 192n);
}
