/**
 * The run-time x run-time and reduction kernels (Max, Min, Sum, Mean with broadcasting;
 * ReduceMax/Min/Mean/Sum with axes as attribute or input; ArgMax/ArgMin) against onnxruntime
 * on random shapes and attributes, with shape inference checked against run().
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import type { AttrValue, Graph } from "../onnx/graph.ts";
import { evaluateFloat } from "./evaluate-float.ts";
import { expectNodeMatchesOrt, runOrt, vi, type NodeInput } from "./testing.ts";

const RUNS = { numRuns: Number(process.env.ZK_FC_RUNS ?? 10) };
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
// The property returns nothing: fast-check reads any other return value as a failure.
const check = <T>(arb: fc.Arbitrary<T>, f: (t: T) => Promise<unknown>) => fc.assert(fc.asyncProperty(arb, async (t) => { await f(t); }), RUNS);
const dimsArb = (min: number, max: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: min, maxLength: max });

/** Random values; `levels` > 0 draws small integers instead, so that ties occur. */
const values = (dims: number[], s: number, levels = 0): number[] => {
  const rng = new Rng(s);
  return Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => (levels ? Math.floor(rng.next() * levels) : -4 + 8 * rng.next()));
};
const ints = (data: number[]): NodeInput => ({ dims: [data.length], data, constant: "int64" });

describe("element-wise and reducing kernels match onnxruntime, and their shape inference run()", () => {
  it("Max, Min, Sum and Mean of one to four inputs, fed or constant, broadcast numpy-style", async () => {
    const arb = fc.record({
      op: fc.constantFrom("Max", "Min", "Sum", "Mean"), out: dimsArb(0, 4),
      parts: fc.array(fc.record({ ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), drop: fc.integer({ min: 0, max: 4 }), constant: fc.boolean() }), { minLength: 1, maxLength: 4 }), seed,
    });
    await check(arb, async (r) => {
      const ins = r.parts.map((p, k): NodeInput => {
        const dims = r.out.map((d, a) => (p.ones[a] ? 1 : d)).slice(Math.min(p.drop, r.out.length));
        // The first input is always fed: a node of constants only would be folded.
        return { dims, data: values(dims, r.seed + k), constant: p.constant && k > 0 ? "float32" : undefined };
      });
      await expectNodeMatchesOrt(r.op, ins);
    });
  });

  it("ReduceMax/Min/Mean/Sum: axes attribute or input by opset, keepdims, noop_with_empty_axes, negative axes", async () => {
    const arb = fc.record({
      op: fc.constantFrom("ReduceMax", "ReduceMin", "ReduceMean", "ReduceSum"), inputForm: fc.boolean(), dims: dimsArb(1, 4),
      axes: fc.array(fc.nat(), { maxLength: 3 }), omit: fc.boolean(), keepdims: fc.constantFrom(undefined, 0, 1), noop: fc.constantFrom(undefined, 0, 1), seed,
    });
    await check(arb, async (r) => {
      const rank = r.dims.length;
      const axes = [...new Set(r.axes.map((a) => a % rank))].map((a, i) => (i % 2 ? a - rank : a));
      const attrs: Record<string, AttrValue> = {};
      if (r.keepdims !== undefined) attrs.keepdims = r.keepdims;
      const x: NodeInput = { dims: r.dims, data: values(r.dims, r.seed) };
      if (!r.inputForm) {
        if (axes.length) attrs.axes = axes;
        return expectNodeMatchesOrt(r.op, [x], attrs, 1, r.op === "ReduceSum" ? 12 : 13);
      }
      if (r.noop !== undefined) attrs.noop_with_empty_axes = r.noop;
      // Empty axes: reduce everything, or nothing when noop_with_empty_axes=1; omitted axes alike.
      const ins = r.omit ? [x] : [x, ints(axes)];
      await expectNodeMatchesOrt(r.op, ins, attrs, 1, r.op === "ReduceSum" ? 13 : 18);
    });
  });

  it("ArgMax and ArgMin with ties: axis, keepdims, select_last_index (opset 12 on) and its absence (11)", async () => {
    const arb = fc.record({
      op: fc.constantFrom("ArgMax", "ArgMin"), dims: dimsArb(1, 4), axisPick: fc.nat(), keepdims: fc.constantFrom(undefined, 0, 1),
      last: fc.constantFrom(undefined, 0, 1), legacy: fc.boolean(), ties: fc.boolean(), seed,
    });
    await check(arb, async (r) => {
      const rank = r.dims.length, axis = r.axisPick % rank;
      const attrs: Record<string, AttrValue> = { axis: r.axisPick % 2 ? axis - rank : axis };
      if (r.keepdims !== undefined) attrs.keepdims = r.keepdims;
      if (r.last !== undefined && !r.legacy) attrs.select_last_index = r.last;
      await expectNodeMatchesOrt(r.op, [{ dims: r.dims, data: values(r.dims, r.seed, r.ties ? 3 : 0) }], attrs, 1, r.legacy ? 11 : 13);
    });
  });

  it("on fixed cases random runs may miss: ties with and without select_last_index, empty axes with noop_with_empty_axes, ReduceSum without axes", async () => {
    const x = (dims: number[], data: number[]): NodeInput => ({ dims, data });
    for (const op of ["ArgMax", "ArgMin"]) {
      for (const last of [0, 1]) {
        await expectNodeMatchesOrt(op, [x([2, 4], [1, 3, 3, 0, 2, 2, 2, 2])], { axis: 1, select_last_index: last, keepdims: 0 });
        await expectNodeMatchesOrt(op, [x([3, 2], [0, 5, 0, 1, -1, 5])], { axis: 0, select_last_index: last });
      }
    }
    await expectNodeMatchesOrt("ReduceMean", [x([2, 3], [1, 2, 3, 4, 5, 6]), ints([])], { noop_with_empty_axes: 1 }, 1, 18);
    await expectNodeMatchesOrt("ReduceSum", [x([2, 3], [1, 2, 3, 4, 5, 6])], { keepdims: 0 }, 1, 13);
  });

  it("on NaN as onnxruntime treats it: Max/Min propagate it, ReduceMax/ReduceMin only when it comes first, ArgMax keeps a leading NaN", async () => {
    const a = { dims: [2, 3], data: [NaN, 1, 2, 1, NaN, 5] }, b = { dims: [2, 3], data: [1, NaN, 2, 1, 3, NaN] };
    const cases: [string, Record<string, typeof a>, Record<string, AttrValue>][] = [
      ["Max", { a, b }, {}], ["Min", { a, b }, {}], ["ReduceMax", { a }, { axes: [1] }], ["ReduceMin", { a }, { axes: [1] }], ["ArgMax", { a }, { axis: 1 }], ["ArgMin", { a }, { axis: 1 }],
    ];
    for (const [op, feeds, attrs] of cases) {
      const g: Graph = { name: "nan", opset: 13, metadata: {}, initializers: new Map(), inputs: Object.keys(feeds).map((k) => vi(k, [2, 3])), outputs: [], nodes: [{ name: "n", opType: op, inputs: Object.keys(feeds), outputs: ["y"], attrs }] };
      const ours = evaluateFloat(g, feeds).get("y")!;
      g.outputs = [vi("y", ours.dims, ours.kind === "int" ? "int64" : "float32")];
      // toEqual counts NaN equal to NaN.
      expect(Array.from(ours.data), op).toEqual(Array.from((await runOrt(g, feeds)).get("y")!.data));
    }
  });
});
