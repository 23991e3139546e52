/**
 * Test support: small integer ONNX graphs whose nonlinearity is a Gather in a constant table,
 * as the quantizer writes Sigmoid, Tanh, GELU, ... (table position i holds f of the int8 value
 * i < 128 ? i : i - 256, so that Gather's negative indices need no Add). Not used outside tests.
 */
import type { DType, Graph, Node, Tensor } from "../onnx/graph.ts";

/** The int8 value a position of a 256-entry table stands for (two's-complement order). */
export const int8At = (i: number) => (i < 128 ? i : i - 256);
export const table256 = (f: (v: number) => number) => Array.from({ length: 256 }, (_, i) => f(int8At(i)));

/** The elements of every graph's input, [1, N]. */
export const N = 16;

const ARRAYS: Record<string, (d: number[]) => Tensor["data"]> = {
  int8: (d) => Int8Array.from(d),
  uint8: (d) => Uint8Array.from(d),
  int32: (d) => Int32Array.from(d),
};
export const tensor = (dtype: DType, dims: number[], data: number[]): Tensor => ({ dtype, dims, data: ARRAYS[dtype](data) });

export interface TableGraphOptions {
  /** Nodes from the input "x" to the int32 index "idx" (default: one Cast to int32). */
  index?: Node[];
  inits?: [string, Tensor][];
  axis?: number;
  /** The Gather's data input (default the table initializer "T"). */
  data?: string;
}

/** x (int8 [1, N]) → index nodes → Gather(T, idx) → y. */
export function tableGraph(name: string, table: Tensor, opts: TableGraphOptions = {}): Graph {
  const index = opts.index ?? [{ name: "cast", opType: "Cast", inputs: ["x"], outputs: ["idx"], attrs: { to: 6 } }];
  return {
    name, opset: 17, metadata: {},
    inputs: [{ name: "x", dtype: "int8", dims: [1, N] }],
    outputs: [{ name: "y", dtype: table.dtype, dims: [1, N] }],
    initializers: new Map<string, Tensor>([["T", table], ...(opts.inits ?? [])]),
    nodes: [
      ...index,
      { name: "lookup", opType: "Gather", inputs: [opts.data ?? "T", "idx"], outputs: ["y"], attrs: opts.axis === undefined ? {} : { axis: opts.axis } },
    ],
  };
}

/**
 * The index nodes of a dense layer and its requant: MatMulInteger → + bias → Relu → Div 2^k →
 * Clip [0, hi] → Cast (int8 or uint8) → Cast int32. Example: `requantIndex(W, b, 64, 127, 3)`.
 */
export function requantIndex(w: number[], bias: number[], div: number, hi: number, to: 2 | 3): { index: Node[]; inits: [string, Tensor][] } {
  const k = w.length / N;
  return {
    inits: [
      ["W", tensor("int8", [N, k], w)], ["B", tensor("int32", [k], bias)], ["D", tensor("int32", [], [div])],
      ["LO", tensor("int32", [], [0])], ["HI", tensor("int32", [], [hi])],
    ],
    index: [
      { name: "mm", opType: "MatMulInteger", inputs: ["x", "W"], outputs: ["acc"], attrs: {} },
      { name: "bias", opType: "Add", inputs: ["acc", "B"], outputs: ["z"], attrs: {} },
      { name: "relu", opType: "Relu", inputs: ["z"], outputs: ["r"], attrs: {} },
      { name: "div", opType: "Div", inputs: ["r", "D"], outputs: ["q"], attrs: {} },
      { name: "clip", opType: "Clip", inputs: ["q", "LO", "HI"], outputs: ["c"], attrs: {} },
      { name: "narrow", opType: "Cast", inputs: ["c"], outputs: ["a"], attrs: { to } },
      { name: "widen", opType: "Cast", inputs: ["a"], outputs: ["idx"], attrs: { to: 6 } },
    ],
  };
}
