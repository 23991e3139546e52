/**
 * Poseidon commitments, computed outside the circuit exactly as the generated circuit
 * computes them inside (circuits/lib PackBits + a chain of circomlib Poseidon):
 *   values are offset to be non-negative, v + 2^(bits-1), and packed floor(248 / bits) per field
 *   element, little end first: packed_j = sum_i u_{kj+i} * 2^(bits*i);
 *   h = seed; for each chunk of up to 15 elements C: h = Poseidon([h, ...C]).
 * The seed is the number of values, so vectors of different sizes never share a commitment.
 * Salts are field elements (< BN254 r), drawn uniformly by freshSalt. An unsalted input
 * commitment of a guessable input (a yes/no form, a small image class) can be confirmed by
 * hashing the guesses; with a private salt it hides the input, and whoever holds the salt
 * (the client) can still open it, or compute it before inferring (the escrow flow).
 *   input commitment   = chain(n, pack(x, 8))                 (input visibility "hashed")
 *                        chain(n, [salt, ...pack(x, 8)])      (input visibility "hashed-salted")
 *   weights commitment = chain(total count, pack(w_1, 8) ++ ... ++ pack(b_1, biasBits) ++ ...),
 *                        each tensor packed on its own (int8 weight tensors first, then biases)
 *   output commitment  = chain(n, [salt, ...outputs as field elements])  (the salt hides low-entropy outputs)
 */
import { randomBytes } from "node:crypto";
import { buildPoseidon } from "circomlibjs";
import { ProverError } from "./errors.ts";
import { BN254_R, toField } from "./field.ts";

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

/** The input commitment; with a salt, the "hashed-salted" form (the salt first, like the output's). */
export async function inputCommitment(values: ArrayLike<number>, salt?: bigint): Promise<bigint> {
  const packed = packSigned(values, 8);
  return poseidonChain(BigInt(values.length), salt === undefined ? packed : [toField(salt), ...packed]);
}

/**
 * A salt as sent by a caller: a decimal string (or safe integer) below BN254 r. Refused, naming
 * `field`: anything else, since a salt the circuit reduces mod r would open to a different value.
 */
export function parseSalt(v: unknown, field: string): bigint {
  const text = typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? String(v) : v;
  if (typeof text !== "string" || !/^[0-9]{1,78}$/.test(text) || BigInt(text) >= BN254_R) {
    throw new ProverError(`${field}: expected a decimal field element (0 <= salt < BN254 r = ${BN254_R}), got ${JSON.stringify(v)?.slice(0, 100)}`, { field });
  }
  return BigInt(text);
}

/** A uniformly random field element (rejection sampling on 254 random bits), for a commitment's salt. */
export function freshSalt(): bigint {
  for (;;) {
    const b = randomBytes(32);
    b[0] &= 0x3f;
    const v = BigInt(`0x${b.toString("hex")}`);
    if (v < BN254_R) return v;
  }
}

export async function outputCommitment(outputs: ArrayLike<number | bigint>, salt: bigint): Promise<bigint> {
  return poseidonChain(BigInt(outputs.length), [toField(salt), ...Array.from(outputs, (v) => toField(v))]);
}

export async function weightsCommitment(tensors: { values: ArrayLike<number>; bits: number; name: string }[]): Promise<bigint> {
  const elems = tensors.flatMap((t) => packSigned(t.values, t.bits, t.name));
  return poseidonChain(BigInt(tensors.reduce((a, t) => a + t.values.length, 0)), elems);
}
