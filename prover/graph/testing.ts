/**
 * Test support for prover/graph: building float graphs the way exporters lay them out, and
 * running them in onnxruntime to compare with evaluateFloat. Not used outside tests.
 */
import ort from "onnxruntime-node";
import { expect } from "vitest";
import { tensor, type AttrValue, type DType, type Graph, type Node, type Tensor, type ValueInfo } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { evaluateFloat } from "./evaluate-float.ts";
import { KERNELS } from "./kernels.ts";
import { fromTensor, type FloatValue } from "./value.ts";

export const vi = (name: string, dims: (number | string)[], dtype: DType = "float32"): ValueInfo => ({ name, dtype, dims });
export const f32 = (dims: number[], data: ArrayLike<number>): Tensor => tensor("float32", dims, Float32Array.from(data));
export const i64 = (dims: number[], data: number[]): Tensor => tensor("int64", dims, BigInt64Array.from(data, BigInt));

/** Collects nodes and initializers in export order. */
export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly inits = new Map<string, Tensor>();
  constructor(private readonly random: () => number = Math.random) {}

  init(name: string, t: Tensor): string {
    this.inits.set(name, t);
    return name;
  }

  /** A float32 initializer of uniform values in [lo, hi). */
  rand(name: string, dims: number[], lo = -1, hi = 1): string {
    const n = dims.reduce((a, b) => a * b, 1);
    return this.init(name, f32(dims, Array.from({ length: n }, () => lo + (hi - lo) * this.random())));
  }

  node(opType: string, name: string, inputs: string[], outputs: string[] | number = 1, attrs: Record<string, AttrValue> = {}): string {
    const outs = typeof outputs === "number" ? Array.from({ length: outputs }, (_, i) => (i ? `${name}_out${i}` : `${name}_out`)) : outputs;
    this.nodes.push({ name, opType, inputs, outputs: outs, attrs });
    return outs[0];
  }

  build(inputs: ValueInfo[], outputs: ValueInfo[], opset = 13): Graph {
    return { name: "test", opset, nodes: this.nodes, initializers: this.inits, inputs, outputs, metadata: {} };
  }
}

/** Runs the graph in onnxruntime (CPU, float32); returns each graph output's dims and values. */
export async function runOrt(graph: Graph, feeds: Record<string, { dims: number[]; data: ArrayLike<number> }>): Promise<Map<string, FloatValue>> {
  const session = await ort.InferenceSession.create(writeOnnx(graph));
  const ortFeeds: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) ortFeeds[k] = new ort.Tensor("float32", Float32Array.from(v.data), v.dims);
  const res = await session.run(ortFeeds);
  const out = new Map<string, FloatValue>();
  for (const name of session.outputNames) {
    const t = res[name];
    out.set(name, { dims: [...t.dims], data: Float64Array.from(t.data as ArrayLike<number | bigint>, Number), kind: "float" });
  }
  return out;
}

/** Same dims, and every value within `tol` (absolute, scaled up for large magnitudes). */
export function expectClose(ours: FloatValue | undefined, theirs: FloatValue | undefined, tol = 1e-4): void {
  expect(ours, "value computed").toBeDefined();
  expect(theirs, "value computed").toBeDefined();
  expect(ours!.dims).toEqual(theirs!.dims);
  let worst = 0;
  for (let i = 0; i < ours!.data.length; i++) {
    const a = ours!.data[i], b = theirs!.data[i];
    worst = Math.max(worst, Math.abs(a - b) / Math.max(1, Math.abs(b)));
  }
  expect(worst).toBeLessThanOrEqual(tol);
}

export function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

/** An input of a one-node test graph: fed at run time, or a constant (an initializer). */
export interface NodeInput {
  dims: number[];
  data: number[];
  constant?: "float32" | "int64";
}

/**
 * Runs one node on its inputs (undefined: an omitted optional input) in evaluateFloat and in
 * onnxruntime and expects the same outputs; also expects the kernel's shape inference, given
 * only the constant inputs' values, to predict every output's dims and kind.
 */
export async function expectNodeMatchesOrt(opType: string, ins: (NodeInput | undefined)[], attrs: Record<string, AttrValue> = {}, outputs = 1, opset = 13): Promise<FloatValue[]> {
  const names = ins.map((v, i) => (v ? `in${i}` : ""));
  const inits = new Map<string, Tensor>();
  const fed: Record<string, { dims: number[]; data: number[] }> = {};
  const inputs: ValueInfo[] = [];
  ins.forEach((v, i) => {
    if (!v) return;
    const data = v.data.map(Math.fround);
    if (v.constant === "int64") inits.set(names[i], i64(v.dims, v.data));
    else if (v.constant) inits.set(names[i], f32(v.dims, data));
    else {
      fed[names[i]] = { dims: v.dims, data };
      inputs.push(vi(names[i], v.dims));
    }
  });
  const outNames = Array.from({ length: outputs }, (_, k) => `out${k}`);
  const g: Graph = { name: "op", opset, metadata: {}, initializers: inits, inputs, outputs: [], nodes: [{ name: "op", opType, inputs: names, outputs: outNames, attrs }] };
  const values = evaluateFloat(g, fed);
  const ours = outNames.map((n) => values.get(n)!);
  g.outputs = ours.map((v, k) => vi(outNames[k], v.dims.map((_, d) => `d${d}`), v.kind === "int" ? "int64" : "float32"));
  const theirs = await runOrt(g, fed);
  ours.forEach((v, k) => expectClose(v, theirs.get(outNames[k])));
  const shapes = KERNELS.get(opType)!.shape!(g.nodes[0], names.map((n) => (n === "" ? undefined : inits.has(n) ? fromTensor(inits.get(n)!) : { dims: fed[n].dims, kind: "float" })), { opset, where: "op" });
  expect(shapes.map((s) => [s.dims, s.kind]), "shape inference").toEqual(ours.map((v) => [v.dims, v.kind]));
  return ours;
}
