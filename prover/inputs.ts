/**
 * The circuit's private and public inputs for one request: the int8 input, and depending on
 * the visibility the model's weights (hashed-weights mode), the input salt (hashed-salted input)
 * and the output salt.
 */
import type { Graph } from "./onnx/graph.ts";
import { ProverError } from "./errors.ts";

export interface CircuitLayout {
  visibility: { weights: string; input: string; output: string };
  weightInputs?: { signal: string; tensor: string }[];
}

export function circuitInputs(layout: CircuitLayout, x: ArrayLike<number>, opts: { graph?: Graph; salt?: bigint; inputSalt?: bigint } = {}): Record<string, unknown> {
  const input: Record<string, unknown> = { x: Array.from(x, (v) => BigInt(v)) };
  for (const w of layout.weightInputs ?? []) {
    const t = opts.graph?.initializers.get(w.tensor);
    if (!t) throw new ProverError(`weights tensor ${w.tensor} (circuit input ${w.signal}) is not in the model`);
    input[w.signal] = Array.from(t.data as ArrayLike<number>, (v) => BigInt(v));
  }
  if (layout.visibility.output === "hashed") input.salt = opts.salt ?? 0n;
  if (layout.visibility.input === "hashed-salted") {
    if (opts.inputSalt === undefined) throw new ProverError("inputSalt: the model's input commitment is salted; the salt is missing");
    input.inputSalt = opts.inputSalt;
  }
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
