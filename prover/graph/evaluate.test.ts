/**
 * evaluateFloat op by op against onnxruntime's CPU kernels, on random shapes, attributes and
 * values (fast-check, few runs each): the quantizer calibrates with it, so it must compute what
 * onnxruntime computes on the float model.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import type { AttrValue, Graph, Tensor } from "../onnx/graph.ts";
import { evaluateFloat } from "./evaluate-float.ts";
import { expectClose, GraphBuilder, i64, runOrt, vi } from "./testing.ts";

type Feed = { dims: number[]; data: number[] };
interface OpCase {
  feeds: Record<string, Feed>;
  consts?: Record<string, Tensor>;
  /** The node's inputs, in order: graph inputs (fed) or constants. */
  order: string[];
  attrs?: Record<string, AttrValue>;
  opset?: number;
}

const values = (dims: number[], seed: number, lo = -2, hi = 2): Feed => {
  const rng = new Rng(seed);
  return { dims, data: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rng.next()) };
};

/**
 * One graph holding one node per case (output y<i>), so a single onnxruntime session checks
 * them all: sessions dominate this file's run time.
 */
async function sameAsOrt(opType: string | string[], ...cases: OpCase[]): Promise<void> {
  const types = typeof opType === "string" ? cases.map(() => opType) : opType;
  const feeds: Record<string, Feed> = Object.assign({}, ...cases.map((c) => c.feeds));
  const g: Graph = {
    name: "ops", opset: cases[0].opset ?? 13, metadata: {},
    initializers: new Map(cases.flatMap((c) => Object.entries(c.consts ?? {}))),
    inputs: Object.entries(feeds).map(([name, f]) => vi(name, f.dims)),
    outputs: [],
    nodes: cases.map((c, i) => ({ name: `op${i}`, opType: types[i], inputs: c.order, outputs: [`y${i}`], attrs: c.attrs ?? {} })),
  };
  const ours = evaluateFloat(g, feeds);
  // Declare each output's rank with symbolic dims, so onnxruntime checks nothing we guessed.
  g.outputs = cases.map((_, i) => vi(`y${i}`, ours.get(`y${i}`)!.dims.map((_, k) => `d${k}`)));
  const theirs = await runOrt(g, feeds);
  cases.forEach((_, i) => expectClose(ours.get(`y${i}`), theirs.get(`y${i}`)));
}

const RUNS = { numRuns: 6 };
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const check = <T>(arb: fc.Arbitrary<T>, f: (t: T) => Promise<void>) => fc.assert(fc.asyncProperty(arb, f), RUNS);

describe("evaluateFloat matches onnxruntime", () => {
  it("on Conv with any stride, pads, dilation and group, 1-D and 2-D", async () => {
    const arb = fc.record({
      n: fc.integer({ min: 1, max: 2 }), cg: fc.integer({ min: 1, max: 3 }), mg: fc.integer({ min: 1, max: 2 }),
      group: fc.constantFrom(1, 2, "depthwise" as const), h: fc.integer({ min: 3, max: 8 }), w: fc.integer({ min: 3, max: 8 }),
      k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), s: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
      d: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })), pads: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }),
      autoPad: fc.constantFrom("NOTSET", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID"), bias: fc.boolean(), oneD: fc.boolean(), seed,
    }).filter((r) => (r.k[0] - 1) * r.d[0] + 1 <= r.h && (r.k[1] - 1) * r.d[1] + 1 <= r.w);
    await check(arb, async (r) => {
      const group = r.group === "depthwise" ? r.cg : r.group;
      const cg = r.group === "depthwise" ? 1 : r.cg, m = r.mg * group;
      const sp = r.oneD ? [r.w] : [r.h, r.w], k = r.oneD ? [r.k[1]] : r.k;
      const attrs: Record<string, AttrValue> = {
        group, kernel_shape: k, strides: r.oneD ? [r.s[1]] : r.s,
        ...(r.autoPad === "NOTSET" ? { pads: r.oneD ? [r.pads[0], r.pads[2]] : r.pads } : { auto_pad: r.autoPad }),
        // onnxruntime refuses dilation with SAME padding.
        ...(r.autoPad.startsWith("SAME") ? {} : { dilations: r.oneD ? [r.d[1]] : r.d }),
      };
      const feeds: Record<string, Feed> = { x: values([r.n, cg * group, ...sp], r.seed), w: values([m, cg, ...k], r.seed + 1) };
      if (r.bias) feeds.b = values([m], r.seed + 2);
      await sameAsOrt("Conv", { feeds, order: r.bias ? ["x", "w", "b"] : ["x", "w"], attrs });
    });
  });

  it("on MaxPool and AveragePool with pads, strides, ceil_mode and count_include_pad", async () => {
    const arb = fc.record({
      op: fc.constantFrom("MaxPool", "AveragePool"), c: fc.integer({ min: 1, max: 3 }), h: fc.integer({ min: 2, max: 8 }), w: fc.integer({ min: 2, max: 8 }),
      k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
      pads: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }), ceil: fc.constantFrom(0, 1), includePad: fc.constantFrom(0, 1), seed,
    }).filter((r) => r.k[0] <= r.h && r.k[1] <= r.w && r.pads.every((p, i) => p < r.k[i % 2]));
    await check(arb, async (r) => {
      const attrs: Record<string, AttrValue> = { kernel_shape: r.k, strides: r.s, pads: r.pads, ceil_mode: r.ceil };
      if (r.op === "AveragePool") attrs.count_include_pad = r.includePad;
      await sameAsOrt(r.op, { feeds: { x: values([1, r.c, r.h, r.w], r.seed) }, order: ["x"], attrs });
    });
  });

  it("on Gemm with transA/transB, alpha/beta and every broadcast of C", async () => {
    const arb = fc.record({
      m: fc.integer({ min: 1, max: 5 }), k: fc.integer({ min: 1, max: 5 }), n: fc.integer({ min: 1, max: 5 }),
      ta: fc.constantFrom(0, 1), tb: fc.constantFrom(0, 1), alpha: fc.constantFrom(undefined, 0.5, 1.25), beta: fc.constantFrom(undefined, 0.75),
      c: fc.constantFrom("none", "n", "1n", "mn", "m1", "scalar"), seed,
    });
    await check(arb, async (r) => {
      const cd = { none: [], n: [r.n], "1n": [1, r.n], mn: [r.m, r.n], m1: [r.m, 1], scalar: [] }[r.c];
      const feeds: Record<string, Feed> = { a: values(r.ta ? [r.k, r.m] : [r.m, r.k], r.seed), b: values(r.tb ? [r.n, r.k] : [r.k, r.n], r.seed + 1) };
      if (r.c !== "none") feeds.c = values(cd, r.seed + 2);
      const attrs: Record<string, AttrValue> = { transA: r.ta, transB: r.tb };
      if (r.alpha !== undefined) attrs.alpha = r.alpha;
      if (r.beta !== undefined) attrs.beta = r.beta;
      await sameAsOrt("Gemm", { feeds, order: Object.keys(feeds), attrs });
    });
  });

  it("on MatMul with 1-D operands and broadcast batch dims", async () => {
    const arb = fc.record({
      m: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 4 }),
      form: fc.constantFrom("2d", "vec-left", "vec-right", "batched", "broadcast"), seed,
    });
    await check(arb, async ({ m, k, n, form, seed: s }) => {
      const [ad, bd] = {
        "2d": [[m, k], [k, n]], "vec-left": [[k], [2, k, n]], "vec-right": [[3, m, k], [k]],
        batched: [[2, m, k], [2, k, n]], broadcast: [[2, 1, m, k], [3, k, n]],
      }[form];
      await sameAsOrt("MatMul", { feeds: { a: values(ad, s), b: values(bd, s + 1) }, order: ["a", "b"] });
    });
  });

  it("on Add with numpy broadcasting, and on Relu", async () => {
    const arb = fc.record({
      dims: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
      ones: fc.array(fc.boolean(), { minLength: 4, maxLength: 4 }), drop: fc.integer({ min: 0, max: 3 }), swap: fc.boolean(), seed,
    });
    await check(arb, async (r) => {
      const b = r.dims.slice(Math.min(r.drop, r.dims.length - 1)).map((d, i) => (r.ones[i] ? 1 : d));
      const [x, y] = r.swap ? [b, r.dims] : [r.dims, b];
      await sameAsOrt(["Add", "Relu"], { feeds: { a: values(x, r.seed), b: values(y, r.seed + 1) }, order: ["a", "b"] }, { feeds: {}, order: ["a"] });
    });
  });

  it("on BatchNormalization, Flatten and Reshape (0 and -1 in the shape)", async () => {
    const arb = fc.record({ dims: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }), axis: fc.integer({ min: -2, max: 4 }), seed });
    await check(arb, async ({ dims, axis, seed: s }) => {
      const c = dims[1];
      const params = { scale: values([c], s + 1), bias: values([c], s + 2), mean: values([c], s + 3), var: values([c], s + 4, 0.1, 2) };
      const shape = [0, -1, ...dims.slice(2).reverse()];
      await sameAsOrt(["BatchNormalization", "Flatten", "Reshape"],
        { feeds: { x: values(dims, s), ...params }, order: ["x", "scale", "bias", "mean", "var"], attrs: { epsilon: 1e-3 } },
        { feeds: {}, order: ["x"], attrs: { axis: Math.min(axis, dims.length) } },
        { feeds: {}, consts: { shape: i64([shape.length], shape) }, order: ["x", "shape"] });
    });
  });

  it("on Softmax and LogSoftmax in both the opset 11 (2-D coercion) and opset 13 (one axis) forms", async () => {
    const arb = fc.record({
      dims: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), axis: fc.integer({ min: -3, max: 2 }),
      op: fc.constantFrom("Softmax", "LogSoftmax"), opset: fc.constantFrom(11, 13), seed,
    }).filter((r) => r.axis >= -r.dims.length && r.axis < r.dims.length);
    await check(arb, async (r) => {
      await sameAsOrt(r.op, { feeds: { x: values(r.dims, r.seed, -5, 5) }, order: ["x"], attrs: { axis: r.axis }, opset: r.opset });
    });
  });

  it("on the shape-tensor ops exporters emit: Gather, Slice, Concat, Transpose, Unsqueeze, Squeeze", async () => {
    const arb = fc.record({
      dims: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 3 }), axis: fc.integer({ min: 0, max: 1 }),
      start: fc.integer({ min: -5, max: 5 }), end: fc.integer({ min: -5, max: 5 }), step: fc.constantFrom(1, 2, -1, -2), idx: fc.integer({ min: -1, max: 0 }), seed,
    });
    await check(arb, async ({ dims, axis, start, end, step, idx, seed: s }) => {
      await sameAsOrt(["Gather", "Slice", "Concat", "Transpose", "Unsqueeze", "Squeeze"],
        { feeds: { x: values(dims, s), z: values(dims, s + 1), x1: values([1, ...dims, 1], s) }, consts: { i: i64([2], [idx, 0]) }, order: ["x", "i"], attrs: { axis } },
        {
          feeds: {}, order: ["x", "starts", "ends", "axes", "steps"],
          consts: { starts: i64([1], [start]), ends: i64([1], [end]), axes: i64([1], [axis]), steps: i64([1], [step]) },
        },
        { feeds: {}, order: ["x", "z"], attrs: { axis } },
        { feeds: {}, order: ["x"], attrs: { perm: dims.map((_, i) => i).reverse() } },
        { feeds: {}, consts: { uaxes: i64([2], [0, -1]) }, order: ["x", "uaxes"] },
        { feeds: {}, order: ["x1"] });
    });
  });

  it("on LeNet-5, fast enough to calibrate on ~1000 28x28 images", async () => {
    const rng = new Rng(5);
    const b = new GraphBuilder(() => rng.next());
    const conv = (x: string, name: string, m: number, c: number, pads: number[]) =>
      b.node("MaxPool", `${name}_pool`, [b.node("Relu", `${name}_relu`, [b.node("Conv", name, [x, b.rand(`${name}.w`, [m, c, 5, 5], -0.3, 0.3), b.rand(`${name}.b`, [m])], 1, { kernel_shape: [5, 5], pads })])], 1, { kernel_shape: [2, 2], strides: [2, 2] });
    let x = b.node("Flatten", "flatten", [conv(conv("input", "c1", 6, 1, [2, 2, 2, 2]), "c2", 16, 6, [0, 0, 0, 0])]);
    for (const [name, n, k] of [["f1", 120, 400], ["f2", 84, 120]] as const) x = b.node("Relu", `${name}_relu`, [b.node("Gemm", name, [x, b.rand(`${name}.w`, [n, k], -0.1, 0.1), b.rand(`${name}.b`, [n])], 1, { transB: 1 })]);
    b.node("Gemm", "f3", [x, b.rand("f3.w", [10, 84], -0.1, 0.1), b.rand("f3.b", [10])], ["logits"], { transB: 1 });
    const g = b.build([vi("input", ["batch", 1, 28, 28])], [vi("logits", ["batch", 10])]);
    const images = Array.from({ length: 50 }, (_, i) => values([1, 1, 28, 28], i + 1, 0, 1));
    const t0 = performance.now();
    const outs = images.map((img) => evaluateFloat(g, { input: Float32Array.from(img.data) }).get("logits")!);
    // About 1.5 ms an image on one idle core; the bound leaves room for a loaded machine.
    expect(performance.now() - t0).toBeLessThan(5000);
    expectClose(outs[0], (await runOrt(g, { input: images[0] })).get("logits"));
  });
});
