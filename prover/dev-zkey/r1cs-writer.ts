// Writes .r1cs files by hand for prover/dev-zkey's tests: shapes circom never emits (duplicate
// terms in one combination, coefficients >= r, signals in no constraint) and exact sizes.
import { writeFileSync } from "node:fs";
import { FR } from "../ptau/field.ts";
import { concat, sectionHeader } from "../ptau/ptau-format.ts";

export type Lc = [signal: number, coef: bigint][];

export interface R1csSpec {
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nVars: number;
  constraints: [Lc, Lc, Lc][];
}

const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
const u64 = (v: number) => { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); return b; };
const scalar = (v: bigint) => { const b = Buffer.alloc(32); for (let i = 0; i < 4; i++) b.writeBigUInt64LE((v >> BigInt(64 * i)) & 0xffffffffffffffffn, 8 * i); return b; };

export function writeR1cs(file: string, s: R1csSpec): void {
  const header = concat([u32(32), scalar(FR), u32(s.nVars), u32(s.nOutputs), u32(s.nPubInputs), u32(s.nPrvInputs), u64(s.nVars), u32(s.constraints.length)]);
  const lc = (l: Lc) => concat([u32(l.length), ...l.flatMap(([sig, c]) => [u32(sig), scalar(c)])]);
  const cons = concat(s.constraints.flatMap(([a, b, c]) => [lc(a), lc(b), lc(c)]));
  const labels = concat(Array.from({ length: s.nVars }, (_, i) => u64(i)));
  const sec = (id: number, body: Uint8Array) => concat([sectionHeader(id, body.length), body]);
  writeFileSync(file, concat([Buffer.from("r1cs"), u32(1), u32(3), sec(1, header), sec(2, cons), sec(3, labels)]));
}

/** Seeded random constraints over nVars signals, with the coefficients that are edge cases. */
export function randomConstraints(seed: number, nConstraints: number, nVars: number, skip: Set<number>): [Lc, Lc, Lc][] {
  let x = seed >>> 0;
  const rnd = (n: number) => { x = (Math.imul(x, 1103515245) + 12345) >>> 0; return (x >>> 8) % n; };
  const special = [0n, 1n, 2n, FR - 1n, FR, FR + 5n, (1n << 256n) - 1n, 12345678901234567890n];
  const coef = () => (rnd(3) === 0 ? special[rnd(special.length)] : (BigInt(rnd(1 << 20)) * 0x1234567890abcdefn * BigInt(rnd(1 << 20))) % FR);
  const pick = () => { let v; do v = rnd(nVars); while (skip.has(v)); return v; };
  const lc = (): Lc => Array.from({ length: rnd(5) }, () => [pick(), coef()]);
  return Array.from({ length: nConstraints }, () => {
    const a = lc();
    if (a.length > 0 && rnd(4) === 0) a.push([a[0][0], coef()]); // the same signal twice in one combination
    return [a, lc(), lc()];
  });
}
