/**
 * Pools and reductions (pools.ts) end to end: AveragePool with count_include_pad pads and with a
 * stride other than its kernel, GlobalAveragePool on signed and non-negative values, ReduceMean
 * over axis 1 of a matrix and over [2, 3] without the kept dims, ReduceSum, ReduceMax,
 * GlobalMaxPool and ArgMax as the output. onnxruntime == evaluator bit for bit, close to float,
 * and the witness == onnxruntime for every window count that is a power of two. (A count like 9
 * needs an integer Div by a non-power-of-two in the circuit, which another change adds; those
 * cases are checked for onnxruntime == evaluator and accuracy only.)
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../circom.ts";
import { conv, expectAccurate, expectCircuitsAgree, expectOrtEqualsEvaluator, floatGraph, gemm, i64, quantizeCase, type Quantized } from "./testing.ts";

const IN = [1, 2, 4, 4];
// Counts that are not powers of two (9, 6) divide with a range-checked remainder in the circuit (prover/ops/div.ts).
const NO_CIRCUIT = {};

const CASES: Quantized[] = [
  quantizeCase("AveragePool 2x2, stride 1, pads 1, count_include_pad=1 (non-negative)", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 3)]);
    return b.node("AveragePool", "pool", [r], 1, { kernel_shape: [2, 2], strides: [1, 1], pads: [1, 1, 1, 1], count_include_pad: 1 });
  })),
  quantizeCase("AveragePool 2x2, stride 1 (signed)", floatGraph(IN, (b, x) => b.node("AveragePool", "pool", [conv(b, "c", x, 2, 3)], 1, { kernel_shape: [2, 2], strides: [1, 1] }), { seed: 2 })),
  quantizeCase("AveragePool 2x2, stride 2 (signed)", floatGraph(IN, (b, x) => b.node("AveragePool", "pool", [conv(b, "c", x, 2, 3)], 1, { kernel_shape: [2, 2], strides: [2, 2] }), { seed: 3 })),
  quantizeCase("AveragePool 3x3, pads 1, count_include_pad=1 (count 9)", floatGraph(IN, (b, x) => b.node("AveragePool", "pool", [conv(b, "c", x, 2, 3)], 1, { kernel_shape: [3, 3], pads: [1, 1, 1, 1], count_include_pad: 1 }), { seed: 4 }), NO_CIRCUIT),
  quantizeCase("GlobalAveragePool on signed values", floatGraph(IN, (b, x) => {
    const g = b.node("GlobalAveragePool", "gap", [conv(b, "c", x, 2, 4)]);
    return gemm(b, "fc", b.node("Flatten", "flat", [g]), 4, 3);
    // A mean keeps its input's int8 scale, though its range is ~4x smaller than the input's:
    // its rounding error is half a step of the input's grid, ~2 bits coarser than its own range
    // allows, and the Gemm after it sums 4 of them. Hence 8%, not 5%.
  }, { seed: 5 }), { tol: 0.08 }),
  quantizeCase("GlobalAveragePool on non-negative values", floatGraph(IN, (b, x) => b.node("GlobalAveragePool", "gap", [b.node("Relu", "r", [conv(b, "c", x, 2, 4)])]), { seed: 6 })),
  quantizeCase("GlobalAveragePool over 3x3 (count 9)", floatGraph([1, 2, 3, 3], (b, x) => b.node("GlobalAveragePool", "gap", [conv(b, "c", x, 2, 4)]), { seed: 7 }), NO_CIRCUIT),
  quantizeCase("ReduceMean over axis 1 of a matrix, subtracted (x - mean)", floatGraph([1, 8], (b, x) => {
    const g = gemm(b, "fc", x, 8, 8);
    return b.node("Sub", "centre", [g, b.node("ReduceMean", "mean", [g], 1, { axes: [1], keepdims: 1 })]);
  }, { seed: 8 })),
  quantizeCase("ReduceMean over axis 1 of 6 values", floatGraph([1, 8], (b, x) => b.node("ReduceMean", "mean", [gemm(b, "fc", x, 8, 6)], 1, { axes: [1], keepdims: 1 }), { seed: 9 }), NO_CIRCUIT),
  quantizeCase("ReduceMean over [2, 3], keepdims 0", floatGraph(IN, (b, x) => b.node("ReduceMean", "mean", [conv(b, "c", x, 2, 3)], 1, { axes: [2, 3], keepdims: 0 }), { seed: 10 })),
  quantizeCase("ReduceSum over [2, 3] and over axis 1 of a matrix", floatGraph(IN, (b, x) => {
    const s = b.node("ReduceSum", "sum", [b.node("Relu", "r", [conv(b, "c", x, 2, 3)]), b.init("ax", i64([2], [2, 3]))], 1, { keepdims: 0 });
    return b.node("ReduceSum", "sum2", [gemm(b, "fc", s, 3, 4), b.init("ax1", i64([1], [1]))], 1, { keepdims: 1 });
  }, { seed: 11 })),
  quantizeCase("ReduceMax over the channels", floatGraph(IN, (b, x) => b.node("ReduceMax", "max", [conv(b, "c", x, 2, 3)], 1, { axes: [1], keepdims: 0 }), { seed: 12 })),
  quantizeCase("GlobalMaxPool", floatGraph(IN, (b, x) => b.node("GlobalMaxPool", "gmp", [conv(b, "c", x, 2, 3)]), { seed: 13 })),
  quantizeCase("ArgMax as the output (int64)", floatGraph([1, 8], (b, x) => b.node("ArgMax", "arg", [gemm(b, "fc", x, 8, 5)], 1, { axis: 1, keepdims: 0 }), { seed: 14 })),
];
const byName = (n: string) => CASES.find((c) => c.name.startsWith(n))!;

const dir = path.join(REPO_ROOT, "build", "test-circuits", `quantize-pools-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("quantizing pools and reductions", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: onnxruntime == evaluator and close to float", async (_, q) => {
    await expectOrtEqualsEvaluator(q);
    await expectAccurate(q);
  });

  it("divides with rounding: a mean is a sum, a half-count offset and a Div by the count", () => {
    const div = (q: Quantized) => q.int.nodes.filter((n) => n.opType === "Div").map((n) => Number(q.int.initializers.get(n.inputs[1])!.data[0]));
    expect(div(byName("AveragePool 3x3"))).toContain(9);
    expect(div(byName("GlobalAveragePool over 3x3"))).toContain(9);
    expect(div(byName("GlobalAveragePool on signed"))).toContain(16);
    // Signed means carry the offset 128·n so that the truncating Div floors; non-negative ones do not.
    const half = (q: Quantized) => Number(q.int.initializers.get(q.int.nodes.find((n) => n.opType === "Div" && n.name.endsWith(".mean"))!.inputs[0].replace(/\.sr$/, ".half"))!.data[0]);
    expect(half(byName("GlobalAveragePool on non-negative"))).toBe(8);
    expect(half(byName("GlobalAveragePool on signed"))).toBe(8 + 128 * 16);
    expect(byName("ArgMax").int.outputs[0].dtype).toBe("int64");
    expect(byName("ReduceSum").int.outputs[0].dtype).toBe("int32");
  });

  it("every graph whose counts are powers of two compiles to a circuit whose witness is onnxruntime's", async () => {
    await expectCircuitsAgree(CASES, dir);
  }, 240_000);
});
