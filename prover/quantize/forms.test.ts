/**
 * Layer forms exporters write besides the 2-D ones, and DAG corners: Conv1d (explicit pads,
 * SAME_LOWER with a stride and a dilation, VALID), a depthwise Conv with per-channel scales,
 * MatMul on a 3-D input with its bias on either side of the Add or plus a table over rows, Gemm without transB but with
 * alpha and beta, a constant that broadcasts the output wider, Concat with a constant, an int32
 * value read by two Convs, a value multiplied by itself, MaxPool of an int32 value, the graph
 * input read by an Add and by arithmetic with constants. onnxruntime == evaluator bit for bit,
 * close to float, and the witness == onnxruntime.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../circom.ts";
import { conv, expectAccurate, expectCircuitsAgree, expectOrtEqualsEvaluator, f32, floatGraph, quantizeCase, type GraphBuilder, type Quantized } from "./testing.ts";

const IN = [1, 2, 4, 4];
const dense = (b: GraphBuilder, x: string, nIn: number, nOut: number) => b.node("Gemm", "fc", [x, b.rand("w", [nOut, nIn]), b.rand("bb", [nOut])], 1, { transB: 1 });
const conv1d = (b: GraphBuilder, x: string, name: string, cin: number, cout: number, k: number, attrs: Record<string, number[] | string>) =>
  b.node("Conv", name, [x, b.rand(`${name}.w`, [cout, cin, k]), b.rand(`${name}.b`, [cout], -0.1, 0.1)], 1, { kernel_shape: [k], ...attrs });

const CASES: Quantized[] = [
  quantizeCase("Conv1d with pads, then SAME_LOWER with stride 2 and dilation 2, then VALID", floatGraph([1, 2, 12], (b, x) => {
    const a = b.node("Relu", "r", [conv1d(b, x, "c1", 2, 3, 3, { pads: [1, 1] })]);
    const s = b.node("Relu", "r2", [conv1d(b, a, "c2", 3, 3, 3, { strides: [2], dilations: [2], auto_pad: "SAME_LOWER" })]);
    return conv1d(b, s, "c3", 3, 2, 2, { auto_pad: "VALID" });
  })),
  quantizeCase("depthwise Conv with per-channel scales", floatGraph(IN, (b, x) => b.node("Conv", "dw", [x, b.init("w", f32([2, 1, 3, 3], Array.from({ length: 18 }, (_, i) => (i < 9 ? 1 : 0.02) * ((i % 5) - 2)))), b.rand("bb", [2], -0.05, 0.05)], 1, { kernel_shape: [3, 3], group: 2, pads: [1, 1, 1, 1] }), { seed: 2 }), { perChannel: true }),
  quantizeCase("MatMul on a 3-D input, bias Add on the right", floatGraph([1, 5, 4], (b, x) => b.node("Add", "a", [b.node("MatMul", "mm", [x, b.rand("w", [4, 3])]), b.rand("bias", [3])]), { seed: 3 })),
  quantizeCase("MatMul on a 3-D input, bias Add on the left", floatGraph([1, 5, 4], (b, x) => b.node("Add", "a", [b.rand("bias", [3]), b.node("MatMul", "mm", [x, b.rand("w", [4, 3])])]), { seed: 4 })),
  // A constant over rows as well as channels is no bias: taken for one, all rows got row 0's values.
  quantizeCase("MatMul on a 3-D input plus a positional table [5, 3]", floatGraph([1, 5, 4], (b, x) => b.node("Add", "a", [b.node("MatMul", "mm", [x, b.rand("w", [4, 3])]), b.rand("pos", [5, 3])]), { seed: 12 })),
  quantizeCase("Gemm without transB, alpha 0.5, beta 2", floatGraph([1, 4], (b, x) => b.node("Gemm", "g", [x, b.rand("w", [4, 3]), b.rand("bb", [3])], 1, { alpha: 0.5, beta: 2 }), { seed: 5 })),
  quantizeCase("a constant that broadcasts the output wider", floatGraph([1, 4], (b, x) => b.node("Add", "a", [dense(b, x, 4, 3), b.rand("c", [2, 3])]), { seed: 6 })),
  quantizeCase("Concat with a constant on axis -3", floatGraph(IN, (b, x) => b.node("Concat", "cat", [b.node("Relu", "r", [conv(b, "c", x, 2, 2)]), b.rand("k", [1, 1, 4, 4], 0, 0.5)], 1, { axis: -3 }), { seed: 7 })),
  quantizeCase("an int32 value read by two Convs", floatGraph(IN, (b, x) => {
    const c = conv(b, "c", x, 2, 2);
    return b.node("Add", "s", [conv(b, "c2", c, 2, 2), conv(b, "c3", c, 2, 2)]);
  }, { seed: 8 })),
  quantizeCase("a value multiplied by itself", floatGraph(IN, (b, x) => { const c = conv(b, "c", x, 2, 2); return b.node("Mul", "m", [c, c]); }, { seed: 9 })),
  quantizeCase("MaxPool of an int32 value", floatGraph(IN, (b, x) => b.node("MaxPool", "m", [conv(b, "c", x, 2, 2)], 1, { kernel_shape: [2, 2], strides: [2, 2] }), { seed: 10 })),
  quantizeCase("the input read by an Add and by arithmetic with constants", floatGraph(IN, (b, x) => {
    const y = b.node("Sub", "s", [b.node("Mul", "m", [x, b.init("k", f32([], [0.5]))]), b.init("k2", f32([2, 1, 1], [0.1, -0.2]))]);
    return b.node("Add", "a", [conv(b, "c", y, 2, 2), x]);
  }, { seed: 11 })),
];
const byName = (n: string) => CASES.find((c) => c.name.startsWith(n))!;

const dir = path.join(REPO_ROOT, "build", "test-circuits", `quantize-forms-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("quantizing other layer forms and DAG corners", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: onnxruntime == evaluator and close to float", async (_, q) => {
    await expectOrtEqualsEvaluator(q);
    await expectAccurate(q);
  });

  it("writes a Conv1d as a 2-D ConvInteger of height 1 with its SAME pads resolved, and a 3-D MatMul on rows", () => {
    const convs = byName("Conv1d").int.nodes.filter((n) => n.opType === "ConvInteger");
    // c2: L = 12 → 6 with stride 2, span (3 - 1)·2 + 1 = 5: total pad 3, the larger half first (SAME_LOWER).
    expect(convs.map((n) => [n.attrs.kernel_shape, n.attrs.pads])).toEqual([[[1, 3], [0, 1, 0, 1]], [[1, 3], [0, 2, 0, 1]], [[1, 2], [0, 0, 0, 0]]]);
    const mm = byName("MatMul on a 3-D input, bias Add on the right").int;
    expect(mm.nodes.map((n) => n.opType)).toEqual(["Reshape", "MatMulInteger", "Add", "Reshape"]);
    expect(mm.outputs[0].dims).toEqual([1, 5, 3]);
  });

  it("every quantized graph compiles to a circuit whose witness is onnxruntime's", async () => {
    await expectCircuitsAgree(CASES, dir);
  }, 240_000);
});
