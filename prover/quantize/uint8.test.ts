/**
 * The same paths with uint8 activations (activationType "uint8": every Relu output is uint8,
 * one more bit than int8 for values that are never negative): residual Adds of uint8 values at
 * different scales, pools and means, a Pad with a non-zero constant, Concat and Max of uint8 with
 * int8 or int32 values, a table on a uint8 index, run-time Mul. onnxruntime == evaluator bit for
 * bit, close to float, and the witness == onnxruntime.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../circom.ts";
import { conv, expectAccurate, expectCircuitsAgree, expectOrtEqualsEvaluator, f32, floatGraph, i64, quantizeCase, type Quantized } from "./testing.ts";

const IN = [1, 2, 4, 4];
const U8 = { activationType: "uint8" as const };

const CASES: Quantized[] = [
  quantizeCase("residual Add of uint8 values at different scales", floatGraph(IN, (b, x) => {
    const r1 = b.node("Relu", "r1", [conv(b, "c1", x, 2, 3)]);
    const r2 = b.node("Relu", "r2", [conv(b, "c2", r1, 3, 3, { gain: 5 })]);
    return conv(b, "c3", b.node("Relu", "r3", [b.node("Add", "add", [r1, r2])]), 3, 2);
  }), U8),
  quantizeCase("MaxPool, AveragePool and GlobalAveragePool of uint8", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 4)]);
    const m = b.node("MaxPool", "mp", [r], 1, { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 1, 1] });
    const a = b.node("AveragePool", "ap", [m], 1, { kernel_shape: [2, 2], strides: [1, 1], pads: [0, 0, 1, 1], count_include_pad: 1 });
    return b.node("GlobalAveragePool", "gap", [a]);
  }, { seed: 2 }), U8),
  quantizeCase("Pad of uint8 with a non-zero constant, DepthToSpace", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 4)]);
    const p = b.node("Pad", "pad", [r, b.init("pads", i64([8], [0, 0, 1, 1, 0, 0, 1, 1])), b.init("pv", f32([], [0.75]))]);
    return conv(b, "c2", b.node("DepthToSpace", "d2s", [p], 1, { blocksize: 2 }), 1, 2);
  }, { seed: 3 }), U8),
  quantizeCase("Concat and Max of uint8 with int8 and int32 values", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 3)]);
    const cat = b.node("Concat", "cat", [r, conv(b, "c2", x, 2, 3)], 1, { axis: 1 });
    return b.node("Max", "max", [cat, b.node("Sigmoid", "sig", [conv(b, "c3", x, 2, 6)])]);
  }, { seed: 4 }), U8),
  quantizeCase("a table and a run-time Mul on uint8 values", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 3)]);
    return b.node("Mul", "gate", [b.node("Tanh", "t", [r]), r]);
  }, { seed: 5 }), U8),
];

const dir = path.join(REPO_ROOT, "build", "test-circuits", `quantize-uint8-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("quantizing with uint8 activations", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: onnxruntime == evaluator and close to float", async (_, q) => {
    await expectOrtEqualsEvaluator(q);
    await expectAccurate(q);
  });

  it("keeps the Relu outputs uint8", () => {
    for (const q of CASES) {
      const casts = q.int.nodes.filter((n) => n.name.endsWith(".cast") && /^r\d?\./.test(n.name));
      expect(casts.length, q.name).toBeGreaterThan(0);
      expect(casts.every((n) => n.attrs.to === 2), q.name).toBe(true);
    }
  });

  it("every quantized graph compiles to a circuit whose witness is onnxruntime's", async () => {
    await expectCircuitsAgree(CASES, dir);
  }, 240_000);
});
