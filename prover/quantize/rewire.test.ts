/**
 * Rewiring ops (rewire.ts) end to end, on int32 accumulators and on int8 activations: Reshape,
 * Flatten, Squeeze/Unsqueeze, a Keras-style NHWC Transpose pair, Slice, Split into two branches
 * merged again, Pad with a non-zero constant (on int8 and on int32), Upsample of an opset 9
 * graph, Resize nearest, DepthToSpace (both modes), SpaceToDepth, Expand, Tile, Gather with
 * constant indices and Identity. Each keeps its input's scale and type: onnxruntime ==
 * evaluator bit for bit, close to float, and the witness == onnxruntime.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../circom.ts";
import { conv, expectAccurate, expectCircuitsAgree, expectOrtEqualsEvaluator, f32, floatGraph, gemm, i64, quantizeCase, type Quantized } from "./testing.ts";

const IN = [1, 2, 4, 4];
const REWIRE_IN_INT = ["Reshape", "Flatten", "Squeeze", "Unsqueeze", "Transpose", "Slice", "Split", "Pad", "Resize", "DepthToSpace", "SpaceToDepth", "Expand", "Tile", "Gather"];

const CASES: Quantized[] = [
  quantizeCase("Reshape, Unsqueeze, Squeeze, Flatten into a Gemm", floatGraph(IN, (b, x) => {
    let v = b.node("Reshape", "reshape", [conv(b, "c", x, 2, 2), b.init("shape", i64([3], [1, 2, 16]))]);
    v = b.node("Unsqueeze", "unsq", [v, b.init("ax0", i64([1], [0]))]);
    v = b.node("Squeeze", "sq", [v, b.init("ax0b", i64([1], [0]))]);
    return gemm(b, "fc", b.node("Flatten", "flat", [b.node("Relu", "r", [v])]), 32, 4);
  })),
  quantizeCase("a Keras NHWC Transpose pair around a Relu", floatGraph(IN, (b, x) => {
    const t = b.node("Transpose", "nhwc", [conv(b, "c", x, 2, 3)], 1, { perm: [0, 2, 3, 1] });
    return conv(b, "c2", b.node("Transpose", "nchw", [b.node("Relu", "r", [t])], 1, { perm: [0, 3, 1, 2] }), 3, 2);
  }, { seed: 2 })),
  quantizeCase("Slice of an int32 value", floatGraph(IN, (b, x) => b.node("Slice", "slice", [conv(b, "c", x, 2, 3), b.init("st", i64([2], [1, 0])), b.init("en", i64([2], [3, 3])), b.init("ax", i64([2], [2, 3]))]), { seed: 3 })),
  quantizeCase("Split into two branches merged again", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 4)]);
    b.node("Split", "split", [r, b.init("parts", i64([2], [2, 2]))], ["left", "right"], { axis: 1 });
    return b.node("Add", "merge", [conv(b, "cl", "left", 2, 2), b.node("Relu", "rr", ["right"])]);
  }, { seed: 4 })),
  quantizeCase("Pad with a non-zero constant on int8 and on int32", floatGraph(IN, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 3)]);
    const p = b.node("Pad", "pad", [r, b.init("pads", i64([8], [0, 0, 1, 0, 0, 0, 0, 2])), b.init("pv", f32([], [0.5]))], 1, { mode: "constant" });
    const c2 = conv(b, "c2", p, 3, 2);
    return b.node("Pad", "pad2", [c2, b.init("pads2", i64([8], [0, 0, 1, 1, 0, 0, 1, 1])), b.init("pv2", f32([], [-0.25]))], 1, { mode: "constant" });
  }, { seed: 5 })),
  quantizeCase("Upsample of an opset 9 graph", floatGraph(IN, (b, x) => {
    const u = b.node("Upsample", "up", [b.node("Relu", "r", [conv(b, "c", x, 2, 2)]), b.init("sc", f32([4], [1, 1, 2, 2]))], 1, { mode: "nearest" });
    return conv(b, "c2", u, 2, 2);
  }, { seed: 6, opset: 9 })),
  quantizeCase("Resize nearest", floatGraph(IN, (b, x) => b.node("Resize", "resize", [conv(b, "c", x, 2, 2), "", b.init("sc", f32([4], [1, 1, 2, 2]))], 1, { mode: "nearest" }), { seed: 7 })),
  quantizeCase("DepthToSpace (DCR and CRD) and SpaceToDepth", floatGraph(IN, (b, x) => {
    const c = conv(b, "c", x, 2, 4);
    const d = b.node("DepthToSpace", "d2s", [c], 1, { blocksize: 2, mode: "DCR" });
    const s = b.node("SpaceToDepth", "s2d", [b.node("Relu", "r", [d])], 1, { blocksize: 2 });
    return b.node("DepthToSpace", "d2s2", [s], 1, { blocksize: 2, mode: "CRD" });
  }, { seed: 8 })),
  quantizeCase("Expand of a channel mean and Tile", floatGraph(IN, (b, x) => {
    const c = conv(b, "c", x, 2, 3);
    const m = b.node("ReduceMean", "m", [c], 1, { axes: [2, 3], keepdims: 1 });
    const e = b.node("Expand", "expand", [m, b.init("to", i64([4], [1, 3, 4, 4]))]);
    return b.node("Tile", "tile", [b.node("Sub", "centre", [c, e]), b.init("rep", i64([4], [1, 2, 1, 1]))]);
  }, { seed: 9 })),
  quantizeCase("Gather with constant indices and Identity", floatGraph(IN, (b, x) => {
    const c = conv(b, "c", b.node("Identity", "id", [x]), 2, 3);
    const g = b.node("Gather", "gather", [c, b.init("idx", i64([2], [2, 0]))], 1, { axis: 1 });
    return b.node("Identity", "id2", [b.node("Relu", "r", [g])]);
  }, { seed: 10 })),
];

/**
 * The forms of other opsets, written as opset 17 wants them: Resize of opset 10 (X, scales;
 * Upsample's asymmetric floor lookup, which a 0.75 shrink tells from opset 11's half_pixel),
 * Split with num_outputs (18), Squeeze/Unsqueeze with axes attributes (11), Upsample with a
 * scales attribute (7), Pad with pads and value attributes (2), Slice with attributes (9),
 * ReduceMax and ReduceMean with axes inputs (18).
 */
const LEGACY: Quantized[] = [
  quantizeCase("Resize of opset 10, shrinking by 0.75", floatGraph(IN, (b, x) => b.node("Resize", "rs", [conv(b, "c", x, 2, 2), b.init("sc", f32([4], [1, 1, 0.75, 0.75]))], 1, { mode: "nearest" }), { opset: 10, seed: 11 })),
  quantizeCase("Resize of opset 10, growing one axis and shrinking the other", floatGraph([1, 2, 4, 6], (b, x) => b.node("Resize", "rs", [conv(b, "c", x, 2, 2), b.init("sc", f32([4], [1, 1, 1.5, 0.7]))], 1, { mode: "nearest" }), { opset: 10, seed: 17 })),
  quantizeCase("Split with num_outputs (opset 18)", floatGraph(IN, (b, x) => {
    b.node("Split", "sp", [conv(b, "c", x, 2, 4)], ["a", "b"], { axis: 1, num_outputs: 2 });
    return b.node("Sub", "d", ["a", "b"]);
  }, { opset: 18, seed: 12 })),
  quantizeCase("Squeeze/Unsqueeze with axes attributes (opset 11)", floatGraph(IN, (b, x) => b.node("Squeeze", "s", [b.node("Unsqueeze", "u", [conv(b, "c", x, 2, 2)], 1, { axes: [0] })], 1, { axes: [0] }), { opset: 11, seed: 13 })),
  quantizeCase("Upsample with a scales attribute (opset 7)", floatGraph(IN, (b, x) => b.node("Upsample", "up", [conv(b, "c", x, 2, 2)], 1, { mode: "nearest", scales: [1, 1, 2, 1] }), { opset: 7, seed: 14 })),
  quantizeCase("Pad and Slice with attributes (opsets 2 and 9)", floatGraph(IN, (b, x) => {
    const p = b.node("Pad", "p", [conv(b, "c", x, 2, 2)], 1, { pads: [0, 0, 1, 1, 0, 0, 1, 1], value: 0.5 });
    return b.node("Slice", "s", [p], 1, { starts: [1], ends: [5], axes: [3] });
  }, { opset: 9, seed: 15 })),
  quantizeCase("ReduceMax and ReduceMean with axes inputs (opset 18)", floatGraph(IN, (b, x) => {
    const c = conv(b, "c", x, 2, 2);
    const m = b.node("ReduceMax", "rmax", [c, b.init("ax", i64([1], [-1]))], 1, { keepdims: 1 });
    return b.node("Add", "add", [m, b.node("ReduceMean", "rmean", [c, b.init("ax2", i64([1], [-1]))], 1, { keepdims: 1 })]);
  }, { opset: 18, seed: 16 })),
];
/** Other modes and corners: Pad reflect/edge and negative pads (a crop), Slice with step -1, Flatten on axis 2, Tile/Expand of int8, Gather on axis 0 with a negative index, SpaceToDepth of int32, Resize by sizes. */
const IN3 = [1, 2, 3, 3];
const MORE: Quantized[] = [
  quantizeCase("Pad reflect of int32, edge of int8, and a crop", floatGraph(IN3, (b, x) => {
    const r = b.node("Pad", "reflect", [conv(b, "c", x, 2, 2), b.init("p1", i64([8], [0, 0, 1, 1, 0, 0, 1, 1]))], 1, { mode: "reflect" });
    const e = b.node("Pad", "edge", [b.node("Relu", "r", [r]), b.init("p2", i64([8], [0, 0, 1, 0, 0, 0, 0, 1]))], 1, { mode: "edge" });
    return b.node("Pad", "crop", [e, b.init("p3", i64([8], [0, 0, -1, 1, 0, 0, 0, -1]))]);
  }, { seed: 21 })),
  quantizeCase("Slice with step -1 and Flatten on axis 2", floatGraph(IN3, (b, x) => {
    const s = b.node("Slice", "rev", [conv(b, "c", x, 2, 2), b.init("st", i64([1], [-1])), b.init("en", i64([1], [-100])), b.init("ax", i64([1], [3])), b.init("sp", i64([1], [-1]))]);
    return b.node("Flatten", "f", [s], 1, { axis: 2 });
  }, { seed: 22 })),
  quantizeCase("Tile and Expand of int8, Gather on axis 0 with index -1", floatGraph(IN3, (b, x) => {
    const r = b.node("Relu", "r", [conv(b, "c", x, 2, 2)]);
    const t = b.node("Expand", "e", [b.node("Tile", "t", [r, b.init("rep", i64([4], [1, 1, 2, 1]))]), b.init("sh", i64([4], [2, 1, 1, 1]))]);
    return b.node("Gather", "g", [t, b.init("i", i64([1], [-1]))], 1, { axis: 0 });
  }, { seed: 23 })),
  quantizeCase("SpaceToDepth of int32 and Resize by sizes", floatGraph(IN, (b, x) => {
    const s = b.node("SpaceToDepth", "s2d", [conv(b, "c", x, 2, 2)], 1, { blocksize: 2 });
    return b.node("Resize", "rs", [s, "", "", b.init("sz", i64([4], [1, 8, 3, 5]))], 1, { mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" });
  }, { seed: 24 })),
];
const byName = (n: string) => CASES.find((c) => c.name.startsWith(n))!;

const dir = path.join(REPO_ROOT, "build", "test-circuits", `quantize-rewire-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("quantizing rewiring ops", () => {
  it.each([...CASES, ...LEGACY, ...MORE].map((c) => [c.name, c] as const))("%s: onnxruntime == evaluator and close to float", async (_, q) => {
    await expectOrtEqualsEvaluator(q);
    await expectAccurate(q);
  });

  it("writes each rewiring op as itself on the integer values (no requant around it)", () => {
    const seen = new Set(CASES.flatMap((q) => q.int.nodes.map((n) => n.opType)));
    for (const op of REWIRE_IN_INT) expect(seen, op).toContain(op);
    const up = byName("Upsample").int.nodes.find((n) => n.name === "up")!;
    expect(up.opType).toBe("Resize");
    expect(up.attrs).toMatchObject({ mode: "nearest", coordinate_transformation_mode: "asymmetric", nearest_mode: "floor" });
    const pads = byName("Pad").int;
    expect(pads.initializers.get(pads.nodes.find((n) => n.name === "pad")!.inputs[2])).toMatchObject({ dtype: "int8" });
    expect(pads.initializers.get(pads.nodes.find((n) => n.name === "pad2")!.inputs[2])).toMatchObject({ dtype: "int32" });
    expect(byName("Slice").int.outputs[0].dtype).toBe("int32");
  });

  it("every quantized graph compiles to a circuit whose witness is onnxruntime's", async () => {
    await expectCircuitsAgree([...CASES, ...LEGACY, ...MORE], dir);
  }, 240_000);
});
