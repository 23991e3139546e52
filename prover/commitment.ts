/**
 * The input commitment, computed outside the circuit exactly as circuits/lib's PackInt8 and
 * the generated Poseidon chain compute it inside:
 *   u_i = x_i + 128 (0..255), packed_j = sum_i u_{31j+i} * 256^i,
 *   h = n; for each chunk of up to 15 packed elements C: h = Poseidon([h, ...C]).
 * The length n seeds the chain, so inputs of different sizes never share a commitment.
 */
import { buildPoseidon } from "circomlibjs";
import { ProverError } from "./errors.ts";

export const PACK_BYTES = 31;
export const CHUNK = 15;

export function packInt8(values: ArrayLike<number>): bigint[] {
  const packed: bigint[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < -128 || v > 127) {
      throw new ProverError(`input[${i}] = ${v} is not an int8 (expected an integer in -128..127)`);
    }
    const j = Math.floor(i / PACK_BYTES);
    packed[j] = (packed[j] ?? 0n) + BigInt(v + 128) * 256n ** BigInt(i % PACK_BYTES);
  }
  return packed;
}

type Poseidon = Awaited<ReturnType<typeof buildPoseidon>>;
let poseidonP: Promise<Poseidon> | undefined;

/** Poseidon hash chain over the packed input; returns the field element as a bigint. */
export async function inputCommitment(values: ArrayLike<number>): Promise<bigint> {
  poseidonP ??= buildPoseidon();
  const poseidon = await poseidonP;
  const packed = packInt8(values);
  let h: unknown = BigInt(values.length);
  for (let j = 0; j < packed.length; j += CHUNK) {
    h = poseidon([h, ...packed.slice(j, j + CHUNK)]);
  }
  return typeof h === "bigint" ? h : BigInt(poseidon.F.toString(h as Uint8Array));
}
