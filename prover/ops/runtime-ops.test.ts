/**
 * The integer evaluation of the run-time ops (Mul, Sub, Neg, Max, Min, ReduceMax, ArgMax)
 * equals onnxruntime's CPU kernels, on random and extreme values, wrapping and ties included;
 * and types onnxruntime has no kernel for are refused by both.
 */
import fc from "fast-check";
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { Graph, DType, Tensor, ValueInfo } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { evaluateGraph } from "../evaluate-integer.ts";
import { ProverError } from "../errors.ts";
import type { IntTensor } from "./types.ts";

type Attrs = Record<string, number | number[]>;
const ARRAY = { int8: Int8Array, uint8: Uint8Array, int32: Int32Array } as const;

function oneNode(opType: string, inputs: ValueInfo[], out: ValueInfo, attrs: Attrs = {}, opset = 17, inits: [string, Tensor][] = []): Graph {
  return {
    name: opType, opset, metadata: {}, initializers: new Map(inits),
    inputs, outputs: [out],
    nodes: [{ name: opType.toLowerCase(), opType, inputs: [...inputs.map((i) => i.name), ...inits.map(([n]) => n)], outputs: [out.name], attrs }],
  };
}

const ortTensor = (t: IntTensor) => t.dtype === "int64"
  ? new ort.Tensor("int64", BigInt64Array.from(t.data, BigInt), t.dims)
  : new ort.Tensor(t.dtype as "int8", ARRAY[t.dtype as "int8" | "uint8" | "int32"].from(t.data), t.dims);

async function sameAsOrt(graph: Graph, runs: fc.Arbitrary<IntTensor[]>, numRuns = 60) {
  const session = await ort.InferenceSession.create(writeOnnx(graph));
  await fc.assert(
    fc.asyncProperty(runs, async (tensors) => {
      const feeds: Record<string, ort.Tensor> = {};
      const evalIn: Record<string, IntTensor> = {};
      graph.inputs.forEach((vi, i) => { feeds[vi.name] = ortTensor(tensors[i]); evalIn[vi.name] = tensors[i]; });
      const ours = evaluateGraph(graph, evalIn).get(graph.outputs[0].name)!;
      const theirs = (await session.run(feeds))[graph.outputs[0].name];
      expect(ours.dtype).toBe(theirs.type);
      expect(ours.dims).toEqual([...theirs.dims]);
      expect(ours.data).toEqual(Array.from(theirs.data as ArrayLike<number>, Number));
    }),
    { numRuns },
  );
}

const n = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
/** Values in [min, max], a third of the runs from a tiny set (ties, extremes, zeros). */
const ints = (dtype: DType, dims: number[], [min, max]: readonly [number, number]) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.array(fc.integer({ min, max }), { minLength: n(dims), maxLength: n(dims) }) },
    { weight: 1, arbitrary: fc.array(fc.constantFrom(min, max, 0, 1, -1 < min ? min : -1), { minLength: n(dims), maxLength: n(dims) }) },
  ).map((data): IntTensor => ({ dtype, dims, data }));
const I8 = [-128, 127] as const, U8 = [0, 255] as const, I32 = [-(2 ** 31), 2 ** 31 - 1] as const;
const vi = (name: string, dtype: DType, dims: number[]): ValueInfo => ({ name, dtype, dims });

describe("run-time ops match onnxruntime", () => {
  for (const [dtype, range] of [["int8", I8], ["uint8", U8], ["int32", I32]] as const) {
    it(`Mul, Sub (${dtype}, broadcasting, wrapping on overflow)`, async () => {
      for (const op of ["Mul", "Sub"]) {
        const g = oneNode(op, [vi("a", dtype, [2, 3]), vi("b", dtype, [3])], vi("y", dtype, [2, 3]));
        await sameAsOrt(g, fc.tuple(ints(dtype, [2, 3], range), ints(dtype, [3], range)));
      }
    });

    it(`Max, Min (${dtype}, three operands, broadcasting)`, async () => {
      for (const op of ["Max", "Min"]) {
        const g = oneNode(op, [vi("a", dtype, [2, 1, 3]), vi("b", dtype, [4, 1]), vi("c", dtype, [])], vi("y", dtype, [2, 4, 3]));
        await sameAsOrt(g, fc.tuple(ints(dtype, [2, 1, 3], range), ints(dtype, [4, 1], range), ints(dtype, [], range)));
      }
    });

    it(`ArgMax (${dtype}): first and last index of ties, any axis, keepdims`, async () => {
      for (const [attrs, out] of [[{ axis: 1 }, [2, 1, 4]], [{ axis: -1, keepdims: 0, select_last_index: 1 }, [2, 3]], [{ select_last_index: 1 }, [1, 3, 4]], [{ axis: 2, select_last_index: 0, keepdims: 0 }, [2, 3]]] as const) {
        const g = oneNode("ArgMax", [vi("a", dtype, [2, 3, 4])], vi("y", "int64", [...out]), { ...attrs }, 13);
        await sameAsOrt(g, fc.tuple(ints(dtype, [2, 3, 4], range)));
      }
    });
  }

  it("Neg (int8 and int32: -(-128) wraps to -128)", async () => {
    for (const [dtype, range] of [["int8", I8], ["int32", I32]] as const) {
      await sameAsOrt(oneNode("Neg", [vi("a", dtype, [7])], vi("y", dtype, [7])), fc.tuple(ints(dtype, [7], range)));
    }
  });

  it("ReduceMax: axes as attribute (opset 13) or input (opset 18), keepdims, negative axes, all axes, noop_with_empty_axes", async () => {
    const x = vi("x", "int8", [2, 3, 2, 2]);
    const axes = (v: number[]): [string, Tensor] => ["axes", { dtype: "int64", dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) }];
    const cases: [Attrs, number, [string, Tensor][], number[]][] = [
      [{ axes: [2, 3] }, 13, [], [2, 3, 1, 1]],
      [{ axes: [-3], keepdims: 0 }, 13, [], [2, 2, 2]],
      [{ keepdims: 0 }, 13, [], []],
      [{}, 18, [axes([2, 3])], [2, 3, 1, 1]],
      [{ keepdims: 0 }, 18, [axes([0, -1])], [3, 2]],
      [{ noop_with_empty_axes: 1 }, 18, [], [2, 3, 2, 2]],
      [{}, 18, [], [1, 1, 1, 1]],
    ];
    for (const [attrs, opset, inits, out] of cases) {
      await sameAsOrt(oneNode("ReduceMax", [x], vi("y", "int8", out), attrs, opset, inits), fc.tuple(ints("int8", [2, 3, 2, 2], I8)), 30);
    }
  });

  it("refuses, as onnxruntime does, Neg of uint8 and GlobalMaxPool of integers (ReduceMax over [2, 3] is its integer form)", async () => {
    const neg = oneNode("Neg", [vi("a", "uint8", [3])], vi("y", "uint8", [3]));
    await expect(ort.InferenceSession.create(writeOnnx(neg))).rejects.toThrow(/Type Error/);
    expect(() => evaluateGraph(neg, { a: { dtype: "uint8", dims: [3], data: [1, 2, 3] } })).toThrow(/node neg \(Neg\): integer Neg takes int8, int32, int64 \(as onnxruntime\), got uint8/);
    const gmp = oneNode("GlobalMaxPool", [vi("a", "int8", [1, 2, 2, 2])], vi("y", "int8", [1, 2, 1, 1]));
    await expect(ort.InferenceSession.create(writeOnnx(gmp))).rejects.toThrow(/Type Error/);
    expect(() => evaluateGraph(gmp, { a: { dtype: "int8", dims: [1, 2, 2, 2], data: new Array(8).fill(0) } })).toThrow(ProverError);
  });

  it("refuses mixed operand types, bad axes and an empty reduction with the node named", () => {
    const mixed = oneNode("Max", [vi("a", "int8", [2]), vi("b", "int32", [2])], vi("y", "int8", [2]));
    expect(() => evaluateGraph(mixed, { a: { dtype: "int8", dims: [2], data: [1, 2] }, b: { dtype: "int32", dims: [2], data: [1, 2] } })).toThrow(/node max \(Max\): operand types differ \(int8, int32\)/);
    const bad = oneNode("ArgMax", [vi("a", "int8", [2, 2])], vi("y", "int64", [2]), { axis: 2 });
    expect(() => evaluateGraph(bad, { a: { dtype: "int8", dims: [2, 2], data: [1, 2, 3, 4] } })).toThrow(/node argmax \(ArgMax\): axis 2 is out of range for rank 2/);
    const rep = oneNode("ReduceMax", [vi("a", "int8", [2, 2])], vi("y", "int8", [1, 1]), { axes: [1, -1] }, 13);
    expect(() => evaluateGraph(rep, { a: { dtype: "int8", dims: [2, 2], data: [1, 2, 3, 4] } })).toThrow(/axes \[1,-1\] repeat an axis/);
  });
});
