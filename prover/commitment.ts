/**
 * Poseidon commitments, computed outside the circuit exactly as the generated circuit
 * computes them inside (circuits/lib PackBits + a chain of circomlib Poseidon):
 *   values are offset to be non-negative, v + 2^(bits-1), and packed floor(248 / bits) per field
 *   element, little end first: packed_j = sum_i u_{kj+i} * 2^(bits*i);
 *   h = seed; for each chunk of up to 15 elements C: h = Poseidon([h, ...C]).
 * The seed is the number of values, so vectors of different sizes never share a commitment.
 *   input commitment   = chain(n, pack(x, 8))
 *   weights commitment = chain(total count, pack(w_1, 8) ++ ... ++ pack(b_1, biasBits) ++ ...),
 *                        each tensor packed on its own (int8 weight tensors first, then biases)
 *   output commitment  = chain(n, [salt, ...outputs as field elements])  (the salt hides low-entropy outputs)
 */
import { buildPoseidon } from "circomlibjs";
import { ProverError } from "./errors.ts";
import { toField } from "./field.ts";

export const CHUNK = 15;
/** Packing stays below 248 bits so a packed element never wraps the ~254-bit field. */
export const PACK_BITS = 248;

export function perElement(bits: number): number {
  return Math.floor(PACK_BITS / bits);
}

/** Packs signed values of `bits` bits (checked) into field elements. */
export function packSigned(values: ArrayLike<number>, bits: number, what = "input"): bigint[] {
  const per = perElement(bits), half = 2 ** (bits - 1);
  const packed: bigint[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < -half || v >= half) {
      throw new ProverError(`${what}[${i}] = ${v} is not a ${bits}-bit signed integer (expected ${-half}..${half - 1})`);
    }
    const j = Math.floor(i / per);
    packed[j] = (packed[j] ?? 0n) + BigInt(v + half) * (1n << BigInt(bits * (i % per)));
  }
  return packed;
}

/** int8 packing (31 per element), kept for callers that name it. */
export function packInt8(values: ArrayLike<number>): bigint[] {
  return packSigned(values, 8);
}

type Poseidon = Awaited<ReturnType<typeof buildPoseidon>>;
let poseidonP: Promise<Poseidon> | undefined;

export async function poseidonChain(seed: bigint, elems: bigint[]): Promise<bigint> {
  poseidonP ??= buildPoseidon();
  const poseidon = await poseidonP;
  let h: unknown = seed;
  for (let j = 0; j < elems.length; j += CHUNK) h = poseidon([h, ...elems.slice(j, j + CHUNK)]);
  return typeof h === "bigint" ? h : BigInt(poseidon.F.toString(h as Uint8Array));
}

export async function inputCommitment(values: ArrayLike<number>): Promise<bigint> {
  return poseidonChain(BigInt(values.length), packSigned(values, 8));
}

export async function outputCommitment(outputs: ArrayLike<number | bigint>, salt: bigint): Promise<bigint> {
  return poseidonChain(BigInt(outputs.length), [toField(salt), ...Array.from(outputs, (v) => toField(v))]);
}

export async function weightsCommitment(tensors: { values: ArrayLike<number>; bits: number; name: string }[]): Promise<bigint> {
  const elems = tensors.flatMap((t) => packSigned(t.values, t.bits, t.name));
  return poseidonChain(BigInt(tensors.reduce((a, t) => a + t.values.length, 0)), elems);
}
