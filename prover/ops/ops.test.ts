/**
 * Every op module's integer evaluation equals onnxruntime's CPU kernel, on random inputs
 * (fast-check): the evaluator is the reference for the circuits, so it must be exact.
 */
import fc from "fast-check";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { Graph, DType, ValueInfo } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { evaluateGraph } from "../evaluate-integer.ts";
import type { IntTensor } from "./types.ts";

const ORT_TYPE: Record<string, "int8" | "uint8" | "int32" | "int64"> = { int8: "int8", uint8: "uint8", int32: "int32", int64: "int64" };
const ARRAY = { int8: Int8Array, uint8: Uint8Array, int32: Int32Array } as const;

function oneNode(opType: string, inputs: ValueInfo[], out: ValueInfo, attrs: Record<string, number | number[]> = {}): Graph {
  return {
    name: opType, opset: 17, metadata: {}, initializers: new Map(),
    inputs, outputs: [out],
    nodes: [{ name: opType.toLowerCase(), opType, inputs: inputs.map((i) => i.name), outputs: [out.name], attrs }],
  };
}

async function sameAsOrt(graph: Graph, runs: fc.Arbitrary<IntTensor[]>) {
  const session = await ort.InferenceSession.create(writeOnnx(graph));
  await fc.assert(
    fc.asyncProperty(runs, async (tensors) => {
      const feeds: Record<string, ort.Tensor> = {};
      const evalIn: Record<string, IntTensor> = {};
      graph.inputs.forEach((vi, i) => {
        const t = tensors[i];
        feeds[vi.name] = t.dtype === "int64"
          ? new ort.Tensor("int64", BigInt64Array.from(t.data, BigInt), t.dims)
          : new ort.Tensor(ORT_TYPE[t.dtype], ARRAY[t.dtype as "int8" | "uint8" | "int32"].from(t.data), t.dims);
        evalIn[vi.name] = t;
      });
      const ours = evaluateGraph(graph, evalIn).get(graph.outputs[0].name)!;
      const theirs = (await session.run(feeds))[graph.outputs[0].name];
      expect(ours.dims).toEqual([...theirs.dims]);
      expect(ours.data).toEqual(Array.from(theirs.data as ArrayLike<number>, Number));
    }),
    { numRuns: 40 },
  );
}

const ints = (dtype: DType, dims: number[], min: number, max: number) =>
  fc.array(fc.integer({ min, max }), { minLength: dims.reduce((a, b) => a * b, 1), maxLength: dims.reduce((a, b) => a * b, 1) })
    .map((data): IntTensor => ({ dtype, dims, data }));
const I8 = [-128, 127] as const, I32 = [-(2 ** 31), 2 ** 31 - 1] as const;
const vi = (name: string, dtype: DType, dims: number[]): ValueInfo => ({ name, dtype, dims });

describe("op modules match onnxruntime", () => {
  it("MatMulInteger (int8 x int8 -> int32)", async () => {
    const g = oneNode("MatMulInteger", [vi("a", "int8", [2, 7]), vi("b", "int8", [7, 5])], vi("y", "int32", [2, 5]));
    await sameAsOrt(g, fc.tuple(ints("int8", [2, 7], ...I8), ints("int8", [7, 5], ...I8)));
  });

  it("Add (int32, broadcasting a row vector)", async () => {
    const g = oneNode("Add", [vi("a", "int32", [3, 4]), vi("b", "int32", [4])], vi("y", "int32", [3, 4]));
    await sameAsOrt(g, fc.tuple(ints("int32", [3, 4], -(2 ** 30), 2 ** 30), ints("int32", [4], -(2 ** 30), 2 ** 30)));
  });

  it("Add (uint8 wraps modulo 256, int8 wraps to [-128, 127])", async () => {
    const u = oneNode("Add", [vi("a", "uint8", [6]), vi("b", "uint8", [6])], vi("y", "uint8", [6]));
    await sameAsOrt(u, fc.tuple(ints("uint8", [6], 0, 255), ints("uint8", [6], 0, 255)));
    const s = oneNode("Add", [vi("a", "int8", [6]), vi("b", "int8", [6])], vi("y", "int8", [6]));
    await sameAsOrt(s, fc.tuple(ints("int8", [6], ...I8), ints("int8", [6], ...I8)));
  });

  it("Div (int8, -128 / -1 wraps to -128)", async () => {
    const g = oneNode("Div", [vi("a", "int8", [8]), vi("b", "int8", [8])], vi("y", "int8", [8]));
    const divisors = fc.array(fc.oneof(fc.constant(-1), fc.integer({ min: -128, max: -1 }), fc.integer({ min: 1, max: 127 })), { minLength: 8, maxLength: 8 }).map((data): IntTensor => ({ dtype: "int8", dims: [8], data }));
    await sameAsOrt(g, fc.tuple(ints("int8", [8], ...I8).map((t) => ({ ...t, data: t.data.map((v, i) => (i === 0 ? -128 : v)) })), divisors));
  });

  it("Relu (int32)", async () => {
    const g = oneNode("Relu", [vi("a", "int32", [16])], vi("y", "int32", [16]));
    await sameAsOrt(g, fc.tuple(ints("int32", [16], ...I32)));
  });

  it("Div (int32, truncating toward zero, negative operands included)", async () => {
    const g = oneNode("Div", [vi("a", "int32", [12]), vi("b", "int32", [1])], vi("y", "int32", [12]));
    const divisor = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: -1000, max: -1 })).map((d): IntTensor => ({ dtype: "int32", dims: [1], data: [d] }));
    await sameAsOrt(g, fc.tuple(ints("int32", [12], -(2 ** 24), 2 ** 24), divisor));
  });

  it("Clip (int32, min and max as inputs)", async () => {
    const g = oneNode("Clip", [vi("a", "int32", [10]), vi("lo", "int32", []), vi("hi", "int32", [])], vi("y", "int32", [10]));
    const bounds = fc.tuple(fc.integer({ min: -500, max: 0 }), fc.integer({ min: 0, max: 500 }));
    await sameAsOrt(g, fc.tuple(ints("int32", [10], -1000, 1000), bounds).map(([a, [lo, hi]]) => [a, { dtype: "int32", dims: [], data: [lo] }, { dtype: "int32", dims: [], data: [hi] }]));
  });

  it("Cast (int32 -> int8 wraps around)", async () => {
    const g = oneNode("Cast", [vi("a", "int32", [20])], vi("y", "int8", [20]), { to: 3 });
    await sameAsOrt(g, fc.tuple(ints("int32", [20], ...I32)));
  });

  it("ConvInteger (int8, stride, padding, dilation)", async () => {
    const attrs = { kernel_shape: [3, 3], strides: [2, 1], pads: [1, 0, 1, 2], dilations: [1, 2] };
    const g = oneNode("ConvInteger", [vi("x", "int8", [1, 2, 7, 8]), vi("w", "int8", [3, 2, 3, 3])], vi("y", "int32", [1, 3, 4, 6]), attrs);
    await sameAsOrt(g, fc.tuple(ints("int8", [1, 2, 7, 8], ...I8), ints("int8", [3, 2, 3, 3], ...I8)));
  });

  it("ConvInteger (one group per channel, the quantizer's average-pool sum)", async () => {
    const g = oneNode("ConvInteger", [vi("x", "int8", [1, 3, 6, 6]), vi("w", "int8", [3, 1, 2, 2])], vi("y", "int32", [1, 3, 3, 3]), { group: 3, kernel_shape: [2, 2], strides: [2, 2] });
    await sameAsOrt(g, fc.tuple(ints("int8", [1, 3, 6, 6], ...I8), ints("int8", [3, 1, 2, 2], ...I8)));
  });

  it("MaxPool (int8, with padding and stride)", async () => {
    const g = oneNode("MaxPool", [vi("x", "int8", [1, 2, 5, 6])], vi("y", "int8", [1, 2, 3, 3]), { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 0, 1, 0] });
    await sameAsOrt(g, fc.tuple(ints("int8", [1, 2, 5, 6], ...I8)));
  });

  it("Reshape and Flatten keep row-major order", async () => {
    const r = oneNode("Reshape", [vi("x", "int32", [1, 2, 3, 4]), vi("s", "int64", [2])], vi("y", "int32", [2, 12]));
    await sameAsOrt(r, fc.tuple(ints("int32", [1, 2, 3, 4], -1000, 1000), fc.constant<IntTensor>({ dtype: "int64", dims: [2], data: [2, -1] })));
    const f = oneNode("Flatten", [vi("x", "int8", [1, 2, 3, 4])], vi("y", "int8", [1, 24]), { axis: 1 });
    await sameAsOrt(f, fc.tuple(ints("int8", [1, 2, 3, 4], ...I8)));
  });
});
