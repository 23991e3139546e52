/**
 * Linear layers beyond the plain chain: ConvTranspose as a Conv on a zero-stuffed, padded input
 * (stride 1 and 2, pads that crop, output_padding, group 2, dilation 2), a BatchNormalization
 * after a residual Add (kept as a per-channel affine), per-channel weight scales on channels of
 * very different magnitudes, and a Keras Conv with auto_pad SAME_UPPER (explicit pads in the
 * integer graph, since where SAME puts the odd pad is fixed here). onnxruntime == evaluator bit
 * for bit, close to float, and the witness == onnxruntime.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../circom.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { evaluateFloatOutput } from "../graph/index.ts";
import { quantizeInput } from "./index.ts";
import { calibration, conv, expectAccurate, expectCircuitsAgree, expectOrtEqualsEvaluator, f32, floatGraph, quantizeCase, type GraphBuilder, type Quantized } from "./testing.ts";

const IN = [1, 2, 4, 4];

function convT(b: GraphBuilder, name: string, x: string, cin: number, mg: number, attrs: Record<string, number[] | number>): string {
  const k = (attrs.kernel_shape as number[] | undefined)?.[0] ?? 3;
  return b.node("ConvTranspose", name, [x, b.rand(`${name}.w`, [cin, mg, k, k]), b.rand(`${name}.b`, [mg * Number(attrs.group ?? 1)], -0.2, 0.2)], 1, attrs);
}

/** Conv of 3 output channels whose weights differ in size by 1 : 1/50 : 1/8. */
function unevenConv(b: GraphBuilder, x: string): string {
  const gains = [1, 0.02, 0.125];
  const w = Array.from({ length: 3 * 2 * 9 }, (_, i) => (b.inits.size + i) % 7 / 3.5 - 0.9).map((v, i) => v * gains[Math.floor(i / 18)]);
  return b.node("Conv", "uneven", [x, b.init("uneven.w", f32([3, 2, 3, 3], w)), b.init("uneven.b", f32([3], [0.1, 0.002, -0.01]))], 1, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
}

/** Conv weights [3, 2, 3, 3] whose middle filter is all zeros (pruned). */
const pruned = Array.from({ length: 54 }, (_, i) => (i >= 18 && i < 36 ? 0 : ((i * 7) % 11) / 5.5 - 1));

const CASES: Quantized[] = [
  // An all-zero filter took the layer's weight scale to 2^0: every other filter rounded to -1, 0, 1.
  quantizeCase("a Conv with a pruned (all-zero) filter", floatGraph(IN, (b, x) => b.node("Conv", "c", [x, b.init("w", f32([3, 2, 3, 3], pruned)), b.rand("bb", [3])], 1, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }), { seed: 9 })),
  quantizeCase("a Gemm with a dead unit (an all-zero weight row)", floatGraph([1, 4], (b, x) => b.node("Gemm", "g", [x, b.init("w", f32([3, 4], [0.5, -0.3, 0.2, 0.1, 0, 0, 0, 0, 0.4, 0.1, -0.2, 0.3])), b.rand("bb", [3])], 1, { transB: 1 }), { seed: 10 })),
  quantizeCase("ConvTranspose stride 1, pads 1", floatGraph(IN, (b, x) => convT(b, "ct", x, 2, 3, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }))),
  quantizeCase("ConvTranspose stride 2, pads 1, output_padding 1", floatGraph(IN, (b, x) => convT(b, "ct", b.node("Relu", "r", [conv(b, "c", x, 2, 2)]), 2, 2, { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] }), { seed: 2 })),
  quantizeCase("ConvTranspose stride 2, pads that crop (3 > k - 1)", floatGraph(IN, (b, x) => convT(b, "ct", x, 2, 2, { kernel_shape: [3, 3], strides: [2, 2], pads: [3, 3, 3, 2] }), { seed: 3 })),
  quantizeCase("ConvTranspose group 2", floatGraph(IN, (b, x) => convT(b, "ct", x, 2, 2, { kernel_shape: [2, 2], strides: [2, 2], group: 2 }), { seed: 4 })),
  quantizeCase("ConvTranspose dilation 2", floatGraph(IN, (b, x) => convT(b, "ct", x, 2, 2, { kernel_shape: [3, 3], dilations: [2, 2], pads: [1, 0, 1, 2] }), { seed: 5 })),
  quantizeCase("BatchNormalization after a residual Add (kept as an affine)", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 3)]);
    const y = b.node("Add", "res", [conv(b, "c2", r, 3, 3), r]);
    const bn = b.node("BatchNormalization", "bn", [y, b.init("g", f32([3], [1.5, 0.5, -2])), b.init("be", f32([3], [0.1, -0.3, 0.2])), b.init("mu", f32([3], [0.2, -0.1, 0.4])), b.init("var", f32([3], [2, 0.5, 1]))], 1, { epsilon: 1e-5 });
    return conv(b, "c3", b.node("Relu", "r2", [bn]), 3, 2);
  }, { seed: 6 })),
  // BatchNorm2d standardising an image input: nothing before it to fold into (the simplifier crashed on it).
  quantizeCase("BatchNormalization on the graph input before a Conv", floatGraph(IN, (b, x) => {
    const bn = b.node("BatchNormalization", "bnin", [x, b.init("g0", f32([2], [2, 0.5])), b.init("be0", f32([2], [0.3, -0.2])), b.init("mu0", f32([2], [0.1, -0.2])), b.init("var0", f32([2], [0.5, 2]))]);
    return conv(b, "c", bn, 2, 3);
  }, { seed: 8 })),
  quantizeCase("per-channel weight scales", floatGraph(IN, (b, x) => unevenConv(b, x)), { perChannel: true }),
  quantizeCase("Conv with auto_pad SAME_UPPER, stride 2 (odd total pad)", floatGraph(IN, (b, x) => {
    const w = b.rand("same.w", [3, 2, 3, 3]);
    const c = b.node("Conv", "same", [x, w], 1, { kernel_shape: [3, 3], strides: [2, 2], auto_pad: "SAME_UPPER" });
    return b.node("Conv", "same2", [b.node("Relu", "r", [c]), b.rand("same2.w", [2, 3, 2, 2])], 1, { kernel_shape: [2, 2], auto_pad: "SAME_UPPER" });
  }, { seed: 7 })),
];
const byName = (n: string) => CASES.find((c) => c.name.startsWith(n))!;

const dir = path.join(REPO_ROOT, "build", "test-circuits", `quantize-linear-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Largest |dequantized - float| of output channel `ch` relative to that channel's range, on the calibration inputs. */
async function channelError(q: Quantized, ch: number): Promise<number> {
  const sx = q.report.inputShift, sy = q.report.outputShift;
  let err = 0, range = 0;
  for (const x of calibration(q.size)) {
    const xq = quantizeInput(x, sx);
    const f = evaluateFloatOutput(q.float, { x: { dims: q.inDims, data: Float64Array.from(xq, (v) => v / 2 ** sx) } }).data;
    const y = await runOnnx(q.onnx, xq, q.inDims);
    for (let i = ch * 16; i < (ch + 1) * 16; i++) {
      err = Math.max(err, Math.abs(y[i] / 2 ** sy - f[i]));
      range = Math.max(range, Math.abs(f[i]));
    }
  }
  return err / range;
}

describe("quantizing linear layers", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: onnxruntime == evaluator and close to float", async (_, q) => {
    await expectOrtEqualsEvaluator(q);
    await expectAccurate(q);
  });

  it("writes ConvTranspose as a ConvInteger on rewired input, with no float op left", () => {
    for (const q of CASES.filter((c) => c.name.startsWith("ConvTranspose"))) {
      expect(q.int.nodes.map((n) => n.opType)).toContain("ConvInteger");
      expect(q.int.nodes.map((n) => n.opType)).not.toContain("ConvTranspose");
    }
  });

  it("keeps a BatchNormalization it cannot fold as a Mul and an Add by per-channel constants", () => {
    const ops = byName("BatchNormalization").report.layers.map((l) => l.opType);
    expect(ops).not.toContain("BatchNormalization");
    const g = byName("BatchNormalization").int;
    const mul = g.nodes.find((n) => n.inputs[0] === "res_out" && n.opType === "Mul")!;
    const add = g.nodes.find((n) => n.inputs[0] === mul.outputs[0])!;
    expect([mul, add].map((n) => [n.opType, g.initializers.get(n.inputs[1])?.dims])).toEqual([["Mul", [3, 1, 1]], ["Add", [3, 1, 1]]]);
  });

  it("per-channel scales are far more accurate than one scale on a channel 50x smaller than the largest", async () => {
    const per = byName("per-channel");
    const one = quantizeCase("per-tensor", per.float);
    expect(per.report.layers[0].weightShifts![1]).toBeGreaterThan(per.report.layers[0].weightShift!);
    const [ePer, eOne] = [await channelError(per, 1), await channelError(one, 1)];
    expect(ePer).toBeLessThan(0.05);
    expect(eOne).toBeGreaterThan(4 * ePer);
  });

  it("takes the weight scale from the live channels, not from an all-zero one", () => {
    expect(byName("a Conv with a pruned").report.layers[0].weightShift).toBe(6);
    expect(byName("a Gemm with a dead unit").report.layers[0].weightShift).toBe(7);
  });

  it("makes auto_pad SAME_UPPER explicit pads, the odd one at the end", () => {
    const g = byName("Conv with auto_pad").int;
    const c = g.nodes.filter((n) => n.opType === "ConvInteger");
    expect(c.map((n) => n.attrs.pads)).toEqual([[0, 0, 1, 1], [0, 0, 1, 1]]);
    expect(c.every((n) => n.attrs.auto_pad === undefined)).toBe(true);
  });

  it("every quantized graph compiles to a circuit whose witness is onnxruntime's", async () => {
    await expectCircuitsAgree(CASES, dir);
  }, 240_000);
});
