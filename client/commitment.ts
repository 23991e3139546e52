/**
 * The input commitment computed in the client (browser or Node), exactly as prover/commitment.ts
 * and the circuit compute it: int8 values offset by 128 and packed 31 per field element, little
 * end first; h = number of values; h = Poseidon([h, ...next 15 elements]) until none are left.
 * A salted model puts the salt first. Knowing it before inferring lets a client open an escrow
 * request for its input without a throw-away inference. Only circomlibjs (wasm Poseidon) and
 * the web's crypto.getRandomValues are used.
 */
import { buildPoseidon } from "circomlibjs";
import { BN254_R } from "../prover/field.ts";
import { ZkinferClientError } from "./errors.ts";
import type { InputCommitment, ModelInfo } from "./types.ts";

const CHUNK = 15;
const PER_ELEMENT = 31; // floor(248 / 8): a packed element stays below 2^248, never wraps the field

type Poseidon = Awaited<ReturnType<typeof buildPoseidon>>;
let poseidonP: Promise<Poseidon> | undefined;

async function poseidonChain(seed: bigint, elems: bigint[]): Promise<bigint> {
  poseidonP ??= buildPoseidon();
  const poseidon = await poseidonP;
  let h: unknown = seed;
  for (let j = 0; j < elems.length; j += CHUNK) h = poseidon([h, ...elems.slice(j, j + CHUNK)]);
  return typeof h === "bigint" ? h : BigInt(poseidon.F.toString(h as Uint8Array));
}

/** Checks and flattens int8 values (nested arrays allowed), naming the first bad one. */
export function int8Values(input: unknown, expected?: number): number[] {
  if (!Array.isArray(input)) throw new ZkinferClientError("INVALID_ARGUMENT", `input: expected an array of int8 values, got ${typeof input}`, "input");
  const flat = (input as unknown[]).flat(Infinity) as unknown[];
  flat.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isInteger(v) || v < -128 || v > 127) {
      throw new ZkinferClientError("INVALID_ARGUMENT", `input[${i}] = ${JSON.stringify(v)} is not an int8 integer (-128..127)`, `input[${i}]`);
    }
  });
  if (expected !== undefined && flat.length !== expected) {
    throw new ZkinferClientError("INVALID_ARGUMENT", `input: expected ${expected} values (the model's input shape), got ${flat.length}`, "input");
  }
  return flat as number[];
}

/** A uniformly random field element (254 random bits, rejection sampled), from the web crypto API. */
export function randomSalt(): bigint {
  for (;;) {
    const b = new Uint8Array(32);
    globalThis.crypto.getRandomValues(b);
    b[0]! &= 0x3f;
    const v = BigInt(`0x${Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("")}`);
    if (v < BN254_R) return v;
  }
}

function parseSalt(salt: string | bigint): bigint {
  const v = typeof salt === "bigint" ? salt : /^[0-9]{1,78}$/.test(String(salt)) ? BigInt(salt) : -1n;
  if (v < 0n || v >= BN254_R) throw new ZkinferClientError("INVALID_ARGUMENT", `salt: expected a field element (0 <= salt < BN254 r), got ${String(salt).slice(0, 100)}`, "salt");
  return v;
}

/** The commitment of int8 `values`, optionally salted (the "hashed-salted" form). */
export async function inputCommitmentOf(values: readonly number[], salt?: bigint): Promise<bigint> {
  const packed: bigint[] = [];
  values.forEach((v, i) => {
    const j = Math.floor(i / PER_ELEMENT);
    packed[j] = (packed[j] ?? 0n) + (BigInt(v + 128) << BigInt(8 * (i % PER_ELEMENT)));
  });
  return poseidonChain(BigInt(values.length), salt === undefined ? packed : [salt, ...packed]);
}

/**
 * The input commitment a proof of `model` on `values` will carry. A hashed-salted model takes
 * `salt` or draws a fresh one (returned: send it as inputSalt); a model whose input is not
 * hashed has no commitment, and a salt for an unsalted model is refused.
 *
 * @example
 *   const { inputCommitment, inputSalt } = await commitInput(card, pixels);
 */
/** What commitInput reads of a model card: its name, input visibility and input shape. */
export type CommitCard = Pick<ModelInfo, "name"> & { visibility: Pick<ModelInfo["visibility"], "input">; input: Pick<ModelInfo["input"], "shape"> };

export async function commitInput<C extends CommitCard>(model: C, values: unknown, salt?: string | bigint): Promise<InputCommitment> {
  const input = model.visibility.input;
  if (input !== "hashed" && input !== "hashed-salted") {
    throw new ZkinferClientError("INVALID_ARGUMENT", `model ${model.name}: its input is ${JSON.stringify(input)}, not hashed: proofs carry no input commitment`, "model");
  }
  const x = int8Values(values, model.input.shape.reduce((a, b) => a * b, 1));
  if (input === "hashed") {
    if (salt !== undefined) throw new ZkinferClientError("INVALID_ARGUMENT", `salt: model ${model.name} has an unsalted input commitment`, "salt");
    return { inputCommitment: String(await inputCommitmentOf(x)) };
  }
  const s = salt === undefined ? randomSalt() : parseSalt(salt);
  return { inputCommitment: String(await inputCommitmentOf(x, s)), inputSalt: String(s) };
}
