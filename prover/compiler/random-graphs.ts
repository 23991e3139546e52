/**
 * Test support: random small integer ONNX graphs from the ops the compiler supports, including
 * ones it must refuse. fast-check draws a recipe (plain numbers, printable, reproducible from a
 * seed); `buildGraph` turns a recipe into a graph, each step choosing an op that fits the
 * current value's type and shape (now and then a residual Add of an earlier value). Not used outside tests.
 */
import fc from "fast-check";
import type { DType, Graph, Node, Tensor } from "../onnx/graph.ts";

export interface Recipe {
  start: number[];
  steps: { kind: number; p: number[] }[];
}

export const recipeArb: fc.Arbitrary<Recipe> = fc.record({
  start: fc.array(fc.nat(999), { minLength: 4, maxLength: 4 }),
  steps: fc.array(fc.record({ kind: fc.nat(99), p: fc.array(fc.nat(999), { minLength: 10, maxLength: 10 }) }), { minLength: 2, maxLength: 9 }),
});

interface Cur { name: string; dtype: DType; dims: number[] }

const pick = <T>(xs: readonly T[], r: number): T => xs[r % xs.length];
const size = (d: number[]) => d.reduce((a, b) => a * b, 1);

class Builder {
  nodes: Node[] = [];
  inits = new Map<string, Tensor>();
  /** Every value made so far, for residual Adds (the graph becomes a DAG). */
  history: Cur[] = [];
  opset = 17;
  private n = 0;
  constructor(public cur: Cur) {}

  id(prefix: string): string {
    return `${prefix}${this.n++}`;
  }
  init(dtype: DType, dims: number[], data: number[]): string {
    const name = this.id("c");
    const arr = dtype === "int8" ? Int8Array.from(data) : dtype === "uint8" ? Uint8Array.from(data) : dtype === "int64" ? BigInt64Array.from(data, BigInt) : Int32Array.from(data);
    this.inits.set(name, { dtype, dims, data: arr });
    return name;
  }
  /** Random values in [lo, hi], from the recipe's numbers (recycled, mixed by position). */
  values(p: number[], n: number, lo: number, hi: number): number[] {
    return Array.from({ length: n }, (_, i) => lo + ((p[i % p.length] * 7919 + i * 104729 + p[(i + 3) % p.length]) % (hi - lo + 1)));
  }
  op(opType: string, inputs: string[], dtype: DType, dims: number[], attrs: Node["attrs"] = {}): void {
    const out = this.id(opType.toLowerCase());
    this.nodes.push({ name: `${out}`, opType, inputs, outputs: [out], attrs });
    this.history.push(this.cur);
    this.cur = { name: out, dtype, dims };
  }
}

function linear(b: Builder, p: number[]): void {
  const { dims } = b.cur;
  const wide = p[9] % 3 === 0; // full-range weights now and then, small ones otherwise
  const w = (n: number) => b.values(p, n, wide ? -128 : -12, wide ? 127 : 12);
  const zp = () => {
    const z = p[8] % 10;
    if (z === 0) return [b.init("int8", [], [0])];
    if (z === 1) return [b.init("int8", [], [3])]; // nonzero: refused
    return [];
  };
  if (dims.length === 2) {
    const [, K] = dims, N = 1 + (p[0] % 5);
    b.op("MatMulInteger", [b.cur.name, b.init("int8", [K, N], w(K * N)), ...zp()], "int32", [1, N]);
    return;
  }
  const [, C, H, W] = dims;
  const group = p[1] % 3 === 0 ? C : 1;
  const M = group === C ? C * (1 + (p[2] % 2)) : 1 + (p[2] % 3);
  const kH = 1 + (p[3] % Math.min(3, H)), kW = 1 + (p[4] % Math.min(3, W));
  const s = 1 + (p[5] % 2), pad = p[6] % 3 === 0 ? 1 : 0;
  const span = (k: number, d: number) => (k - 1) * d + 1;
  const dil = p[7] % 4 === 0 && span(kH, 2) <= H + 2 * pad && span(kW, 2) <= W + 2 * pad ? 2 : 1;
  const oH = Math.floor((H + 2 * pad - span(kH, dil)) / s) + 1, oW = Math.floor((W + 2 * pad - span(kW, dil)) / s) + 1;
  const Wt = b.init("int8", [M, C / group, kH, kW], w(M * (C / group) * kH * kW));
  const z = zp();
  b.op("ConvInteger", [b.cur.name, Wt, ...(z.length ? [z[0]] : [])], "int32", [1, M, oH, oW], { kernel_shape: [kH, kW], strides: [s, s], pads: [pad, pad, pad, pad], dilations: [dil, dil], group });
}

/** Relu → Div → Clip → Cast in the quantizer's order, or with parts missing, reordered or doubled. */
function requant(b: Builder, p: number[]): void {
  const divisors = [1, 2, 4, 8, 16, 32, 64, 128, 256, 16, 32, 64, 3, 10];
  const steps: string[] = p[0] % 8 === 0 ? ["clip", "div"] : p[0] % 8 === 1 ? ["div", "clip", "clip"] : ["div", "clip"];
  if (p[1] % 6 !== 0) steps.unshift("relu");
  if (p[2] % 4 !== 0) steps.push("cast");
  for (const [i, s] of steps.entries()) {
    const r = p[(3 + i) % 10];
    const { dtype, dims } = b.cur;
    if (s === "relu") b.op("Relu", [b.cur.name], dtype, dims);
    const d = pick(divisors, r);
    if (s === "div" && r % 5 !== 0) b.op("Div", [b.cur.name, b.init(dtype, [], [dtype === "int8" && d > 127 ? 4 : d])], dtype, dims);
    if (s === "clip") {
      const lo = pick([undefined, 0, -5, 5, 0, 0, undefined, 0], r), hi = pick([127, undefined, 63, 100, 255, 127, 127, 63, -5], Math.floor(r / 7));
      if (r % 17 === 0) {
        b.op("Clip", [b.cur.name], dtype, dims, { min: lo ?? 0, max: hi ?? 127 }); // attributes: refused
      } else {
        const lim = (v: number) => (dtype === "int8" ? Math.max(-128, Math.min(127, v)) : v);
        b.op("Clip", [b.cur.name, lo === undefined ? "" : b.init(dtype, [], [lim(lo)]), ...(hi === undefined ? [] : [b.init(dtype, [], [lim(hi)])])], dtype, dims);
      }
    }
    if (s === "cast") b.op("Cast", [b.cur.name], r % 4 === 0 ? "uint8" : "int8", dims, { to: r % 4 === 0 ? 2 : 3 });
  }
}

function step(b: Builder, kind: number, p: number[]): void {
  const { dtype, dims } = b.cur;
  if (kind % 10 === 7) {
    // A residual: the current value plus an earlier one of the same type and shape.
    const prev = b.history.filter((h) => h.dtype === dtype && h.dims.join() === dims.join());
    if (prev.length) return b.op("Add", [b.cur.name, pick(prev, p[0]).name], dtype, dims);
  }
  const eight = dtype === "int8" || dtype === "uint8";
  if (dtype === "int32") {
    if (kind < 55) return requant(b, p);
    if (kind < 80) {
      const n = dims.length === 2 ? dims[1] : dims[1];
      const bd = dims.length === 2 ? [n] : [1, n, 1, 1];
      const negative = p[9] % 8 === 0; // a value the next Relu always zeroes
      return b.op("Add", [b.cur.name, b.init("int32", bd, b.values(p, n, negative ? -900000 : -3000, negative ? -800000 : 3000))], "int32", dims);
    }
    if (kind < 85) return b.op("Cast", [b.cur.name], "int8", dims, { to: 3 });
    return b.op("Relu", [b.cur.name], "int32", dims);
  }
  if (dtype === "uint8") return b.op("Cast", [b.cur.name], "int32", dims, { to: 6 });
  if (kind >= 95) return requant(b, p); // on int8: the chain keeps the type
  if (kind < 40 || !eight) return linear(b, p);
  if (kind < 55 && dims.length === 4 && dims[2] >= 2 && dims[3] >= 2) {
    const k = 2, s = 1 + (p[0] % 2), pad = p[1] % 4 === 0 ? 1 : 0;
    const o = (d: number) => Math.floor((d + 2 * pad - k) / s) + 1;
    return b.op("MaxPool", [b.cur.name], dtype, [1, dims[1], o(dims[2]), o(dims[3])], { kernel_shape: [k, k], strides: [s, s], pads: [pad, pad, pad, pad] });
  }
  if (kind < 65) {
    const big = p[2] % 6 === 0;
    return b.op("Add", [b.cur.name, b.init("int8", [], [b.values(p, 1, big ? -128 : -8, big ? 127 : 0)[0]])], "int8", dims);
  }
  if (kind < 80 && dims.length === 4) {
    const flat = [1, size(dims.slice(1))];
    if (p[3] % 2) return b.op("Flatten", [b.cur.name], dtype, flat, { axis: 1 });
    return b.op("Reshape", [b.cur.name, b.init("int64", [2], [1, -1])], dtype, flat);
  }
  if (kind < 90) return b.op("Relu", [b.cur.name], dtype, dims);
  return b.op("Cast", [b.cur.name], "int32", dims, { to: 6 });
}

export function buildGraph(r: Recipe, name = "random"): Graph {
  const [a, c, h, w] = r.start;
  const dims = a % 2 ? [1, 3 + (c % 6)] : [1, 1 + (c % 2), 3 + (h % 4), 3 + (w % 4)];
  const b = new Builder({ name: "x", dtype: "int8", dims });
  for (const s of r.steps) step(b, s.kind, s.p);
  return {
    name, opset: b.opset, metadata: {}, nodes: b.nodes, initializers: b.inits,
    inputs: [{ name: "x", dtype: "int8", dims }],
    outputs: [{ name: b.cur.name, dtype: b.cur.dtype, dims: b.cur.dims }],
  };
}
