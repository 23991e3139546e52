/**
 * The float kernels the model zoo needed (activations, Clip, global pools, Resize nearest,
 * ConvTranspose), and the other univariate functions lookup tables will serve, against
 * onnxruntime's CPU kernels on random shapes, attributes and values, including the attribute
 * forms the zoo's own exports do not use.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import { ProverError } from "../errors.ts";
import type { AttrValue, Graph, Tensor } from "../onnx/graph.ts";
import { evaluateFloat } from "./evaluate-float.ts";
import { expectClose, f32, i64, runOrt, vi } from "./testing.ts";

const values = (dims: number[], seed: number, lo = -4, hi = 4): number[] => {
  const rng = new Rng(seed);
  return Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => lo + (hi - lo) * rng.next());
};

/** One node `opType` on the fed input x (plus constant inputs), ours vs onnxruntime. */
async function sameAsOrt(opType: string, x: { dims: number[]; data: number[] }, attrs: Record<string, AttrValue> = {}, consts: [string, Tensor | undefined][] = [], opset = 17): Promise<void> {
  const inits = new Map(consts.filter((c): c is [string, Tensor] => c[1] !== undefined));
  const g: Graph = {
    name: "op", opset, metadata: {}, initializers: inits, inputs: [vi("x", x.dims)], outputs: [],
    nodes: [{ name: "op", opType, inputs: ["x", ...consts.map(([n, t]) => (t ? n : ""))], outputs: ["y"], attrs }],
  };
  const ours = evaluateFloat(g, { x });
  g.outputs = [vi("y", ours.get("y")!.dims.map((_, k) => `d${k}`))];
  expectClose(ours.get("y"), (await runOrt(g, { x })).get("y"));
}

const RUNS = { numRuns: 8 };
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
const check = <T>(arb: fc.Arbitrary<T>, f: (t: T) => Promise<void>) => fc.assert(fc.asyncProperty(arb, f), RUNS);
const dims4 = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }));

describe("evaluateFloat matches onnxruntime", () => {
  it("on the element-wise nonlinearities, with and without attributes", async () => {
    const arb = fc.record({
      op: fc.constantFrom("Sigmoid", "Tanh", "Erf", "LeakyRelu", "Elu", "Softplus", "HardSigmoid", "HardSwish", "Selu", "Celu", "Softsign", "Mish", "Exp", "Abs", "Neg", "Sign"),
      alpha: fc.constantFrom(undefined, 0.1, 0.3), beta: fc.constantFrom(undefined, 0.4), dims: dims4, seed,
    });
    await check(arb, async (r) => {
      const attrs: Record<string, AttrValue> = {};
      if (r.alpha !== undefined && ["LeakyRelu", "Elu", "HardSigmoid", "Selu", "Celu"].includes(r.op)) attrs.alpha = r.alpha;
      if (r.beta !== undefined && r.op === "HardSigmoid") attrs.beta = r.beta;
      // Wide inputs reach the saturated tails (Sigmoid of -30, Erf of 5, Softplus of 30). Opset 18 has Mish.
      await sameAsOrt(r.op, { dims: r.dims, data: values(r.dims, r.seed, -30, 30) }, attrs, [], 18);
      await sameAsOrt(r.op, { dims: r.dims, data: values(r.dims, r.seed + 1, -3, 3) }, attrs, [], 18);
    });
  });

  it("on Log, Sqrt and Reciprocal (positive inputs), Pow by a constant and PRelu with per-channel slopes", async () => {
    const arb = fc.record({ op: fc.constantFrom("Log", "Sqrt", "Reciprocal", "Pow", "PRelu"), p: fc.constantFrom(2, 3, 0.5), dims: dims4, seed });
    await check(arb, async (r) => {
      if (r.op === "Pow") return sameAsOrt("Pow", { dims: r.dims, data: values(r.dims, r.seed, r.p === 0.5 ? 0 : -3, 3) }, {}, [["p", f32([], [r.p])]]);
      if (r.op === "PRelu") return sameAsOrt("PRelu", { dims: r.dims, data: values(r.dims, r.seed) }, {}, [["slope", f32([r.dims[1], 1, 1], values([r.dims[1]], r.seed + 1, -1, 1))]]);
      await sameAsOrt(r.op, { dims: r.dims, data: values(r.dims, r.seed, 0.05, 30) });
    });
  });

  it("on Clip with both, one or no bounds (inputs from opset 11, attributes before)", async () => {
    const arb = fc.record({ lo: fc.constantFrom(undefined, -1, 0), hi: fc.constantFrom(undefined, 1, 6), legacy: fc.boolean(), dims: dims4, seed });
    await check(arb, async (r) => {
      const x = { dims: r.dims, data: values(r.dims, r.seed, -8, 8) };
      if (r.legacy) {
        const attrs: Record<string, AttrValue> = {};
        if (r.lo !== undefined) attrs.min = r.lo;
        if (r.hi !== undefined) attrs.max = r.hi;
        return sameAsOrt("Clip", x, attrs, [], 10);
      }
      const scalar = (v: number | undefined) => (v === undefined ? undefined : f32([], [v]));
      const consts: [string, Tensor | undefined][] = [["lo", scalar(r.lo)], ["hi", scalar(r.hi)]];
      await sameAsOrt("Clip", x, {}, r.hi === undefined ? consts.slice(0, 1) : consts);
    });
  });

  it("on GlobalAveragePool and GlobalMaxPool, 1-D and 2-D", async () => {
    const arb = fc.record({ op: fc.constantFrom("GlobalAveragePool", "GlobalMaxPool"), dims: dims4, oneD: fc.boolean(), seed });
    await check(arb, async (r) => {
      const dims = r.oneD ? r.dims.slice(0, 3) : r.dims;
      await sameAsOrt(r.op, { dims, data: values(dims, r.seed) });
    });
  });

  it("on Resize nearest by scales or sizes, every coordinate and rounding mode", async () => {
    const arb = fc.record({
      coord: fc.constantFrom("half_pixel", "pytorch_half_pixel", "align_corners", "asymmetric"),
      round: fc.constantFrom("round_prefer_floor", "round_prefer_ceil", "floor", "ceil"),
      h: fc.integer({ min: 1, max: 5 }), w: fc.integer({ min: 1, max: 5 }),
      sh: fc.constantFrom(0.5, 1, 1.5, 2, 3), sw: fc.constantFrom(0.6, 1, 2, 2.5), bySizes: fc.boolean(), seed,
    }).filter((r) => Math.floor(r.h * r.sh) > 0 && Math.floor(r.w * r.sw) > 0);
    await check(arb, async (r) => {
      const dims = [1, 2, r.h, r.w];
      const attrs = { mode: "nearest", coordinate_transformation_mode: r.coord, nearest_mode: r.round };
      const consts: [string, Tensor | undefined][] = r.bySizes
        ? [["roi", undefined], ["scales", undefined], ["sizes", i64([4], [1, 2, Math.floor(r.h * r.sh), Math.floor(r.w * r.sw)])]]
        : [["roi", undefined], ["scales", f32([4], [1, 1, r.sh, r.sw])]];
      await sameAsOrt("Resize", { dims, data: values(dims, r.seed) }, attrs, consts);
    });
  });

  it("on Resize whose float32 coordinate falls just below an integer ((1 + 0.5) / 0.6 - 0.5)", async () => {
    const attrs = { mode: "nearest", coordinate_transformation_mode: "half_pixel", nearest_mode: "floor" };
    await sameAsOrt("Resize", { dims: [1, 1, 1, 4], data: [1, 2, 3, 4] }, attrs, [["roi", undefined], ["scales", f32([4], [1, 1, 1, 0.6])]]);
  });

  it("on ConvTranspose with strides, pads, dilations, output_padding and groups", async () => {
    const arb = fc.record({
      group: fc.constantFrom(1, 2), cg: fc.integer({ min: 1, max: 2 }), mg: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 4 }), w: fc.integer({ min: 1, max: 4 }),
      k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })), s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 2 })),
      d: fc.constantFrom(1, 2), pads: fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 4, maxLength: 4 }), outPad: fc.constantFrom(0, 1), bias: fc.boolean(), seed,
    }).filter((r) => r.outPad < r.s[0] && r.outPad < r.s[1] &&
      [0, 1].every((i) => r.s[i] * ((i ? r.w : r.h) - 1) + r.outPad + (r.k[i] - 1) * r.d + 1 - r.pads[i] - r.pads[i + 2] > 0));
    await check(arb, async (r) => {
      const c = r.cg * r.group, m = r.mg * r.group;
      const attrs = { group: r.group, strides: r.s, dilations: [r.d, r.d], pads: r.pads, output_padding: [r.outPad, r.outPad] };
      const consts: [string, Tensor | undefined][] = [["w", f32([c, r.mg, ...r.k], values([c, r.mg, ...r.k], r.seed + 1, -1, 1))]];
      if (r.bias) consts.push(["b", f32([m], values([m], r.seed + 2))]);
      await sameAsOrt("ConvTranspose", { dims: [1, c, r.h, r.w], data: values([1, c, r.h, r.w], r.seed) }, attrs, consts);
    });
  });
});

describe("evaluateFloat refuses, naming the node", () => {
  const one = (opType: string, attrs: Record<string, AttrValue>, consts: [string, Tensor][] = []): Graph => ({
    name: "op", opset: 13, metadata: {}, initializers: new Map(consts), inputs: [vi("x", [1, 1, 2, 2])], outputs: [vi("y", [1, 1, 4, 4])],
    nodes: [{ name: "up", opType, inputs: ["x", ...consts.map(([n]) => n)], outputs: ["y"], attrs }],
  });
  const x = { dims: [1, 1, 2, 2], data: [1, 2, 3, 4] };
  it("Resize in linear mode", () => {
    const g = one("Resize", { mode: "linear" }, [["roi", f32([0], [])], ["scales", f32([4], [1, 1, 2, 2])]]);
    expect(() => evaluateFloat(g, { x })).toThrow(ProverError);
    expect(() => evaluateFloat(g, { x })).toThrow(/^node up \(#0, Resize\): mode linear is not supported \(only nearest\)$/);
  });
  it("ConvTranspose with output_shape", () => {
    const g = one("ConvTranspose", { output_shape: [4, 4], strides: [2, 2] }, [["w", f32([1, 1, 2, 2], [1, 1, 1, 1])]]);
    expect(() => evaluateFloat(g, { x })).toThrow(/^node up \(#0, ConvTranspose\): the output_shape attribute is not supported/);
  });
});
