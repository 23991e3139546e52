/**
 * simplifyFloatGraph on graphs laid out as PyTorch and Keras (tf2onnx) export them: the
 * original runs in onnxruntime, the simplified one in evaluateFloat and in onnxruntime, and
 * all agree within 1e-4 on random inputs; only canonical ops are left.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import type { Graph } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { CANONICAL_OPS, evaluateFloat, simplifyFloatGraph } from "./index.ts";
import { argmax, expectClose, f32, GraphBuilder, i64, runOrt, vi } from "./testing.ts";
import type { FloatValue } from "./value.ts";

/** BatchNormalization parameters with a variance away from zero, as training leaves them. */
function bnParams(b: GraphBuilder, name: string, c: number): string[] {
  return [b.rand(`${name}.weight`, [c], 0.5, 1.5), b.rand(`${name}.bias`, [c]), b.rand(`${name}.running_mean`, [c], -0.5, 0.5), b.rand(`${name}.running_var`, [c], 0.2, 2)];
}

/**
 * PyTorch (opset 13) CNN: Conv → BatchNorm → Relu → MaxPool → depthwise Conv → BatchNorm →
 * Relu → x.view(x.size(0), -1) → Identity → Linear → Dropout → Softmax, batch dim symbolic;
 * MaxPool's Indices output and Dropout's mask are declared but unread.
 */
function torchCnn(opset: number): Graph {
  const rng = new Rng(opset);
  const b = new GraphBuilder(() => rng.next());
  let x = b.node("Conv", "/conv1/Conv", ["input", b.rand("conv1.weight", [4, 1, 3, 3]), b.rand("conv1.bias", [4])], 1, { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] });
  x = b.node("BatchNormalization", "/bn1/BatchNormalization", [x, ...bnParams(b, "bn1", 4)], 1, { epsilon: 1e-5, momentum: 0.9 });
  x = b.node("Relu", "/Relu", [x]);
  x = b.node("MaxPool", "/pool/MaxPool", [x], ["/pool/out", "/pool/indices"], { kernel_shape: [2, 2], strides: [2, 2] });
  x = b.node("Conv", "/dw/Conv", [x, b.rand("dw.weight", [4, 1, 3, 3])], 1, { group: 4, kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
  x = b.node("BatchNormalization", "/bn2/BatchNormalization", [x, ...bnParams(b, "bn2", 4)], 1, { epsilon: 1e-3 });
  x = b.node("Relu", "/Relu_1", [x]);
  // x.view(x.size(0), -1)
  const shape = b.node("Shape", "/Shape", [x]);
  const zero = b.node("Constant", "/Constant", [], 1, { value: i64([], [0]) });
  const batch = b.node("Gather", "/Gather", [shape, zero], 1, { axis: 0 });
  const axes = opset >= 13 ? [b.node("Constant", "/Constant_1", [], 1, { value: i64([1], [0]) })] : [];
  const un = b.node("Unsqueeze", "/Unsqueeze", [batch, ...axes], 1, opset >= 13 ? {} : { axes: [0] });
  const minus1 = b.node("Constant", "/Constant_2", [], 1, { value: i64([1], [-1]) });
  const target = b.node("Concat", "/Concat", [un, minus1], 1, { axis: 0 });
  x = b.node("Reshape", "/Reshape", [x, target]);
  x = b.node("Identity", "/Identity", [x]);
  x = b.node("Gemm", "/fc/Gemm", [x, b.rand("fc.weight", [10, 144], -0.2, 0.2), b.rand("fc.bias", [10])], 1, { transB: 1 });
  x = opset >= 12
    ? b.node("Dropout", "/drop/Dropout", [x, b.init("ratio", f32([], [0.5]))], [x + "_d", "mask"])
    : b.node("Dropout", "/drop/Dropout", [x], 1, { ratio: 0.5 });
  b.node("Softmax", "/Softmax", [x], ["output"], { axis: opset >= 13 ? -1 : 1 });
  return b.build([vi("input", ["batch", 1, 12, 12])], [vi("output", ["batch", 10])], opset);
}

/**
 * PyTorch MLP: Flatten → Linear(MatMul + Add) → BatchNorm1d → Relu → Linear without bias
 * (bare MatMul) → BatchNorm1d → Identity → LogSoftmax.
 */
function torchMlp(): Graph {
  const rng = new Rng(7);
  const b = new GraphBuilder(() => rng.next());
  let x = b.node("Flatten", "/Flatten", ["input"], 1, { axis: 1 });
  x = b.node("MatMul", "/l1/MatMul", [x, b.rand("l1.weight_t", [16, 8])]);
  x = b.node("Add", "/l1/Add", [b.rand("l1.bias", [8]), x]);
  x = b.node("BatchNormalization", "/bn/BatchNormalization", [x, ...bnParams(b, "bn", 8)], 1, { epsilon: 1e-5 });
  x = b.node("Relu", "/Relu", [x]);
  x = b.node("MatMul", "/l2/MatMul", [x, b.rand("l2.weight_t", [8, 5])]);
  x = b.node("BatchNormalization", "/bn2/BatchNormalization", [x, ...bnParams(b, "bn2", 5)], 1, { epsilon: 1e-5 });
  x = b.node("Identity", "/Identity", [x]);
  b.node("LogSoftmax", "/LogSoftmax", [x], ["output"], { axis: 1 });
  return b.build([vi("input", [1, 4, 4])], [vi("output", [1, 5])], 13);
}

/**
 * Keras via tf2onnx: weights stored transposed (a Transpose of a constant), SAME padding,
 * AveragePool, a Reshape whose target is Shape → Slice → Concat, Gemm with alpha/beta.
 */
function kerasCnn(): Graph {
  const rng = new Rng(11);
  const b = new GraphBuilder(() => rng.next());
  const kernel = b.node("Transpose", "conv/kernel_t", [b.rand("conv/kernel", [3, 3, 2, 3])], 1, { perm: [3, 2, 0, 1] });
  let x = b.node("Conv", "conv", ["input", kernel, b.rand("conv/bias", [3])], 1, { auto_pad: "SAME_UPPER", kernel_shape: [3, 3], strides: [2, 2] });
  x = b.node("Relu", "conv/Relu", [x]);
  x = b.node("AveragePool", "pool", [x], 1, { kernel_shape: [2, 2], strides: [1, 1] });
  const shape = b.node("Shape", "flatten/Shape", [x]);
  const head = b.node("Slice", "flatten/Slice", [shape, b.init("s0", i64([1], [0])), b.init("s1", i64([1], [1])), b.init("s_ax", i64([1], [0]))]);
  const target = b.node("Concat", "flatten/Concat", [head, b.init("m1", i64([1], [-1]))], 1, { axis: 0 });
  x = b.node("Reshape", "flatten/Reshape", [x, target]);
  b.node("Gemm", "dense", [x, b.rand("dense/kernel", [12, 4]), b.rand("dense/bias", [1, 4])], ["logits"], { alpha: 0.5, beta: 0.25 });
  return b.build([vi("input", ["N", 2, 6, 6])], [vi("logits", ["N", 4])], 13);
}

const softmax = (v: FloatValue, log: boolean): FloatValue => {
  const mx = Math.max(...v.data), sum = v.data.reduce((s, x) => s + Math.exp(x - mx), 0);
  return { ...v, data: v.data.map((x) => (log ? x - mx - Math.log(sum) : Math.exp(x - mx) / sum)) };
};

/** Original in onnxruntime vs simplified in evaluateFloat and in onnxruntime, on random inputs. */
async function agree(original: Graph, dims: number[], final?: "Softmax" | "LogSoftmax", runs = 4): Promise<Graph> {
  const before = writeOnnx(original);
  const { graph, notes } = simplifyFloatGraph(original);
  expect(writeOnnx(original)).toEqual(before);
  expect(graph.nodes.every((n) => CANONICAL_OPS.includes(n.opType))).toBe(true);
  if (final) expect(notes).toContain(`${final} dropped: argmax unchanged`);
  const rng = new Rng(99);
  const out = original.outputs[0].name;
  for (let r = 0; r < runs; r++) {
    const x = { dims, data: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => 2 * rng.next() - 1) };
    const want = (await runOrt(original, { input: x })).get(out)!;
    const ours = evaluateFloat(graph, { input: x }).get(out)!;
    const theirs = (await runOrt(graph, { input: x })).get(out)!;
    expectClose(ours, theirs);
    expectClose(evaluateFloat(original, { input: x }).get(out), want);
    expectClose(final ? softmax(ours, final === "LogSoftmax") : ours, want);
    expect(argmax(ours.data)).toBe(argmax(want.data));
  }
  return graph;
}

describe("simplifyFloatGraph", () => {
  it("turns a PyTorch opset 13 CNN (BatchNorm, x.view, Dropout, Softmax) into Conv/Relu/MaxPool/Reshape/Gemm", async () => {
    const g = await agree(torchCnn(13), [1, 1, 12, 12], "Softmax");
    expect(g.nodes.map((n) => n.opType)).toEqual(["Conv", "Relu", "MaxPool", "Conv", "Relu", "Reshape", "Gemm"]);
    const reshape = g.nodes[5];
    expect(Array.from(g.initializers.get(reshape.inputs[1])!.data as BigInt64Array, Number)).toEqual([1, 144]);
    expect(g.inputs[0].dims).toEqual([1, 1, 12, 12]);
    expect(g.outputs[0]).toEqual(vi("output", [1, 10]));
    expect(g.nodes.every((n) => n.outputs.length === 1)).toBe(true);
  });

  it("handles the opset 11 forms (Unsqueeze axes and Dropout ratio as attributes, Softmax axis 1)", async () => {
    const { notes } = simplifyFloatGraph(torchCnn(11));
    expect(notes.some((n) => n.includes("symbolic dim batch treated as 1"))).toBe(true);
    expect(notes.filter((n) => n.startsWith("BatchNormalization"))).toEqual([
      "BatchNormalization /bn1/BatchNormalization folded into node /conv1/Conv (#0, Conv)",
      "BatchNormalization /bn2/BatchNormalization folded into node /dw/Conv (#4, Conv)",
    ]);
    await agree(torchCnn(11), [1, 1, 12, 12], "Softmax", 2);
  });

  it("folds BatchNorm1d into MatMul + Add and into a bare MatMul, and drops a final LogSoftmax", async () => {
    const g = await agree(torchMlp(), [1, 4, 4], "LogSoftmax");
    expect(g.nodes.map((n) => n.opType)).toEqual(["Flatten", "MatMul", "Add", "Relu", "MatMul", "Add"]);
  });

  it("folds a Keras graph's transposed kernel and Shape/Slice/Concat target, keeping SAME padding and folding Gemm alpha/beta into B and C", async () => {
    const g = await agree(kerasCnn(), [1, 2, 6, 6]);
    expect(g.nodes.map((n) => n.opType)).toEqual(["Conv", "Relu", "AveragePool", "Reshape", "Gemm"]);
    expect(g.initializers.get(g.nodes[0].inputs[1])!.dims).toEqual([3, 2, 3, 3]);
    expect(g.nodes[4].attrs).toEqual({});
  });

  it("leaves the input graph untouched and its initializers shared, not copied", () => {
    const original = torchCnn(13);
    const nodes = structuredClone(original.nodes), inits = structuredClone(original.initializers);
    const { graph } = simplifyFloatGraph(original);
    expect(original.nodes).toEqual(nodes);
    expect(original.initializers).toEqual(inits);
    expect(original.nodes).toHaveLength(19);
    expect(graph.initializers.get("fc.weight")).toBe(original.initializers.get("fc.weight"));
    // Folding a BatchNormalization writes new weights under new names; the old ones go.
    expect(graph.initializers.has("conv1.weight")).toBe(false);
    expect(graph.initializers.has("bn1.running_var")).toBe(false);
  });

  it("keeps a layer's outputs when folding its BatchNormalization, for random Conv and Gemm layers", () => {
    const arb = fc.record({
      layer: fc.constantFrom("Conv", "depthwise", "Gemm", "GemmT", "MatMul"), c: fc.integer({ min: 1, max: 4 }), m: fc.integer({ min: 1, max: 4 }),
      stride: fc.integer({ min: 1, max: 2 }), pad: fc.integer({ min: 0, max: 1 }), bias: fc.boolean(), seed: fc.integer({ min: 1, max: 1e6 }),
    });
    fc.assert(fc.property(arb, (r) => {
      const rng = new Rng(r.seed);
      const b = new GraphBuilder(() => rng.next());
      const conv = r.layer === "Conv" || r.layer === "depthwise";
      const m = r.layer === "depthwise" ? r.c : r.m;
      const bias = r.bias ? [b.rand("bias", [m])] : [];
      const x = conv
        ? b.node("Conv", "layer", ["input", b.rand("w", [m, r.layer === "depthwise" ? 1 : r.c, 3, 3]), ...bias], 1, { group: r.layer === "depthwise" ? r.c : 1, strides: [r.stride, r.stride], pads: [r.pad, r.pad, r.pad, r.pad] })
        : r.layer === "MatMul" ? b.node("MatMul", "layer", ["input", b.rand("w", [r.c, m])])
        : b.node("Gemm", "layer", ["input", b.rand("w", r.layer === "GemmT" ? [m, r.c] : [r.c, m]), ...bias], 1, { transB: r.layer === "GemmT" ? 1 : 0, alpha: 0.75 });
      b.node("BatchNormalization", "bn", [x, ...bnParams(b, "bn", m)], ["y"], { epsilon: 1e-3 });
      const dims = conv ? [1, r.c, 5, 5] : [1, r.c];
      const g = b.build([vi("input", dims)], [vi("y", [])]);
      const { graph } = simplifyFloatGraph(g);
      expect(graph.nodes.map((n) => n.opType)).toEqual(r.layer === "MatMul" ? ["MatMul", "Add"] : [conv ? "Conv" : "Gemm"]);
      const input = { dims, data: Array.from({ length: dims.reduce((a, d) => a * d, 1) }, () => rng.next() * 2 - 1) };
      expectClose(evaluateFloat(graph, { input }).get("y"), evaluateFloat(g, { input }).get("y"), 1e-5);
    }), { numRuns: 40 });
  });
});
