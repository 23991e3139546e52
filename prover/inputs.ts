/**
 * The circuit's private and public inputs for one request: the int8 input, and depending on
 * the visibility the model's weights (hashed-weights mode), the input salt (hashed-salted input)
 * and the output salt; and the nonce of a circuit compiled with one.
 */
import type { Graph } from "./onnx/graph.ts";
import { ProverError } from "./errors.ts";

export interface CircuitLayout {
  visibility: { weights: string; input: string; output: string };
  weightInputs?: { signal: string; tensor: string }[];
  /** The public-signal layout (manifest publicSignals); a circuit with a nonce lists "nonce". */
  publicSignals?: readonly string[];
}

/** Name of the optional public input a prover fixes (e.g. an observation time), last among the public signals. */
export const NONCE_SIGNAL = "nonce";

/**
 * The nonce of a nonce-bearing circuit when the caller gives none. Zero can never pass as a
 * fresh oracle observation (a feed accepts only a time later than its last value, which starts
 * at 0), so a default never makes a proof look newer than it is.
 */
export const DEFAULT_NONCE = 0n;
/** Nonces are below 2^64: enough for a unix time in seconds, and an unsigned 64-bit integer everywhere. */
export const NONCE_LIMIT = 2n ** 64n;

/** Whether the circuit of `layout` has the public input `nonce`. */
export const hasNonce = (layout: { publicSignals?: readonly string[] }): boolean => layout.publicSignals?.includes(NONCE_SIGNAL) === true;

/**
 * A nonce as given by a person or a client: a decimal string or a safe non-negative integer,
 * 0 <= nonce < 2^64. `field` names it in the error (e.g. "--nonce", "nonce").
 */
export function parseNonce(v: unknown, field: string): bigint {
  let n: bigint | undefined;
  if (typeof v === "string" && /^[0-9]{1,20}$/.test(v)) n = BigInt(v);
  else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) n = BigInt(v);
  else if (typeof v === "bigint") n = v;
  if (n === undefined || n < 0n || n >= NONCE_LIMIT) {
    throw new ProverError(`${field}: expected an integer 0 <= nonce < 2^64 (decimal string or number), got ${JSON.stringify(typeof v === "bigint" ? v.toString() : v)?.slice(0, 40)}`, { field });
  }
  return n;
}

export function circuitInputs(layout: CircuitLayout, x: ArrayLike<number>, opts: { graph?: Graph; salt?: bigint; inputSalt?: bigint; nonce?: bigint } = {}): Record<string, unknown> {
  const input: Record<string, unknown> = { x: Array.from(x, (v) => BigInt(v)) };
  for (const w of layout.weightInputs ?? []) {
    const t = opts.graph?.initializers.get(w.tensor);
    if (!t) throw new ProverError(`weights tensor ${w.tensor} (circuit input ${w.signal}) is not in the model`);
    input[w.signal] = Array.from(t.data as ArrayLike<number>, (v) => BigInt(v));
  }
  if (layout.visibility.output === "hashed") {
    // Never a default salt: a commitment to a low-entropy output under a known salt (0) opens
    // by trying every output. Callers draw one with freshSalt and keep it to open the commitment.
    if (opts.salt === undefined) throw new ProverError("salt: the model's output commitment is salted; the salt is missing (draw one with freshSalt)", { field: "salt" });
    input.salt = opts.salt;
  }
  if (layout.visibility.input === "hashed-salted") {
    if (opts.inputSalt === undefined) throw new ProverError("inputSalt: the model's input commitment is salted; the salt is missing", { field: "inputSalt" });
    input.inputSalt = opts.inputSalt;
  }
  if (hasNonce(layout)) input.nonce = parseNonce(opts.nonce ?? DEFAULT_NONCE, "nonce");
  else if (opts.nonce !== undefined) throw new ProverError("nonce: the model's circuit has no nonce input (compile it with the nonce option)");
  return input;
}

/** The model's weight tensors in the order, and with the widths, the weights commitment packs them. */
export function committedWeights(layout: CircuitLayout, graph: Graph, biasBits: number): { values: number[]; bits: number; name: string }[] {
  return (layout.weightInputs ?? []).map((w) => {
    const t = graph.initializers.get(w.tensor);
    if (!t) throw new ProverError(`weights tensor ${w.tensor} is not in the model`);
    return { name: w.tensor, values: Array.from(t.data as ArrayLike<number>, Number), bits: t.dtype === "int8" ? 8 : biasBits };
  });
}
