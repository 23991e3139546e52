/**
 * A reader of circom's .r1cs files and a checker that a full witness satisfies every
 * constraint: A·w * B·w = C·w over the BN254 scalar field. The soundness tests use it to show
 * that a witness with a wrong value is rejected by the constraints themselves, not only by a
 * witness-generation assert.
 */
import { readFileSync } from "node:fs";
import { ProverError } from "./errors.ts";

export type LinearCombination = Map<number, bigint>;

export interface R1cs {
  prime: bigint;
  nWires: number;
  nOutputs: number;
  nPubInputs: number;
  nPrvInputs: number;
  nConstraints: number;
  constraints: [LinearCombination, LinearCombination, LinearCombination][];
}

function readLE(buf: Buffer, off: number, n: number): bigint {
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(buf[off + i]);
  return v;
}

export function readR1cs(path: string): R1cs {
  const buf = readFileSync(path);
  if (buf.toString("ascii", 0, 4) !== "r1cs") throw new ProverError(`${path}: not an r1cs file`);
  const nSections = buf.readUInt32LE(8);
  let off = 12;
  const sections = new Map<number, [number, number]>();
  for (let s = 0; s < nSections; s++) {
    const type = buf.readUInt32LE(off);
    const size = Number(buf.readBigUInt64LE(off + 4));
    sections.set(type, [off + 12, size]);
    off += 12 + size;
  }
  const header = sections.get(1), cons = sections.get(2);
  if (!header || !cons) throw new ProverError(`${path}: r1cs file lacks its header or constraints section`);
  let h = header[0];
  const n8 = buf.readUInt32LE(h);
  const prime = readLE(buf, h + 4, n8);
  h += 4 + n8;
  const r: R1cs = {
    prime,
    nWires: buf.readUInt32LE(h),
    nOutputs: buf.readUInt32LE(h + 4),
    nPubInputs: buf.readUInt32LE(h + 8),
    nPrvInputs: buf.readUInt32LE(h + 12),
    nConstraints: buf.readUInt32LE(h + 24), // after nLabels (u64)
    constraints: [],
  };
  let c = cons[0];
  const readLc = (): LinearCombination => {
    const nnz = buf.readUInt32LE(c);
    c += 4;
    const lc: LinearCombination = new Map();
    for (let i = 0; i < nnz; i++) {
      lc.set(buf.readUInt32LE(c), readLE(buf, c + 4, n8));
      c += 4 + n8;
    }
    return lc;
  };
  for (let i = 0; i < r.nConstraints; i++) r.constraints.push([readLc(), readLc(), readLc()]);
  return r;
}

function evalLc(lc: LinearCombination, w: readonly bigint[], p: bigint): bigint {
  let s = 0n;
  for (const [idx, coef] of lc) s += coef * w[idx];
  return ((s % p) + p) % p;
}

/** Returns the index of the first violated constraint, or -1 if the witness satisfies all. */
export function firstViolated(r: R1cs, witness: readonly bigint[]): number {
  if (witness.length !== r.nWires) throw new ProverError(`witness has ${witness.length} wires, the circuit ${r.nWires}`);
  if (witness[0] !== 1n) return -2; // wire 0 is the constant 1
  for (let i = 0; i < r.constraints.length; i++) {
    const [a, b, c] = r.constraints[i];
    if ((evalLc(a, witness, r.prime) * evalLc(b, witness, r.prime) - evalLc(c, witness, r.prime)) % r.prime !== 0n) return i;
  }
  return -1;
}
