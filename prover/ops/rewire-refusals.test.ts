/**
 * Rewiring ops on the other integer types (uint8, int32: the evaluator equals onnxruntime), and
 * bad attributes or operands refused by the compiler, naming the node, its index and the attribute.
 */
import ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { DType, Graph, Node, Tensor } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { evaluateOutput } from "../evaluate-integer.ts";
import { compileToCircom } from "../compiler/compile.ts";
import { ProverError } from "../errors.ts";
import { f32, i32, i64, i8, n } from "./rewire-cases.ts";

function raw(nodes: Node[], inits: Record<string, Tensor> = {}, dims = [2, 3], dtype: DType = "int8", opset = 17): Graph {
  return {
    name: "g", opset, metadata: {}, nodes, initializers: new Map(Object.entries(inits)),
    inputs: [{ name: "x", dtype, dims }], outputs: [{ name: "y", dtype, dims: [] }],
  };
}

const ARRAYS = { uint8: Uint8Array, int32: Int32Array } as const;

async function sameAsOrt(g: Graph, dtype: "uint8" | "int32", data: number[]) {
  const dims = g.inputs[0].dims as number[];
  const ours = evaluateOutput(g, { x: { dtype, dims, data } });
  g.outputs = [{ name: "y", dtype, dims: ours.dims }];
  const s = await ort.InferenceSession.create(writeOnnx(g));
  const theirs = (await s.run({ x: new ort.Tensor(dtype, ARRAYS[dtype].from(data), dims) })).y;
  expect(ours.dims).toEqual([...theirs.dims]);
  expect(ours.data).toEqual(Array.from(theirs.data as ArrayLike<number>, Number));
}

describe("rewiring ops on uint8 and int32 match onnxruntime", () => {
  const cases: [string, (dt: DType) => Graph, ("uint8" | "int32")[]?][] = [
    ["Transpose", (dt) => raw([n("Transpose", ["x"], "y", { perm: [1, 0, 2] })], {}, [2, 3, 2], dt)],
    ["Slice", (dt) => raw([n("Slice", ["x", "s", "e", "a", "st"], "y")], { s: i64([-1]), e: i64([-100]), a: i64([1]), st: i64([-2]) }, [2, 5], dt)],
    ["Concat", (dt) => raw([n("Concat", ["x", "x"], "y", { axis: -2 })], {}, [2, 3], dt)],
    ["Pad reflect", (dt) => raw([n("Pad", ["x", "p"], "y", { mode: "reflect" })], { p: i64([1, 2, 1, 2]) }, [3, 4], dt, 13)],
    ["Resize", (dt) => raw([n("Resize", ["x", "", "", "sz"], "y", { coordinate_transformation_mode: "align_corners", nearest_mode: "ceil" })], { sz: i64([1, 1, 5, 2]) }, [1, 1, 3, 4], dt, 13)],
    ["DepthToSpace", (dt) => raw([n("DepthToSpace", ["x"], "y", { blocksize: 2, mode: "CRD" })], {}, [1, 4, 2, 2], dt, 13), ["uint8"]],
    ["SpaceToDepth", (dt) => raw([n("SpaceToDepth", ["x"], "y", { blocksize: 2 })], {}, [1, 1, 4, 2], dt, 13), ["uint8"]],
    ["Gather", (dt) => raw([n("Gather", ["x", "i"], "y", { axis: 1 })], { i: i64([2, -3, 1]) }, [2, 3], dt)],
    ["Expand", (dt) => raw([n("Expand", ["x", "s"], "y")], { s: i64([2, 1, 3]) }, [3, 1], dt)],
    ["Tile", (dt) => raw([n("Tile", ["x", "r"], "y")], { r: i64([3, 1]) }, [2, 3], dt)],
  ];
  for (const [name, make, types] of cases) {
    it(name, async () => {
      for (const dtype of types ?? (["uint8", "int32"] as const)) {
        const g = make(dtype);
        const size = (g.inputs[0].dims as number[]).reduce((a, b) => a * b, 1);
        const [lo, hi] = dtype === "uint8" ? [0, 255] : [-(2 ** 31), 2 ** 31 - 1];
        await sameAsOrt(g, dtype, Array.from({ length: size }, (_, i) => (i % 3 === 0 ? lo : i % 3 === 1 ? hi : (i * 7919) % 200)));
      }
    });
  }
});

function refusal(g: Graph): string {
  try {
    compileToCircom(g, { templateName: "T" });
  } catch (e) {
    if (e instanceof ProverError) return e.message;
    throw e;
  }
  throw new Error("compiled, but should have been refused");
}

describe("bad rewiring attributes are refused, naming node, index and attribute", () => {
  const relu = n("Relu", ["x"], "r");
  const cases: [string, Graph, RegExp][] = [
    ["a perm that is no permutation", raw([n("Transpose", ["x"], "y", { perm: [0, 0] })]), /^node transpose_y \(#0, Transpose\): attribute perm \[0,0\] is not a permutation/],
    ["a perm of the wrong length", raw([relu, n("Transpose", ["r"], "y", { perm: [1, 0, 2] })], {}, [2, 3], "int8", 14), /^node transpose_y \(#1, Transpose\): attribute perm/],
    ["a Squeeze axis out of range", raw([n("Squeeze", ["x", "a"], "y")], { a: i64([2]) }), /^node squeeze_y \(#0, Squeeze\): axes: axis 2 is out of range for rank 2/],
    ["a Squeeze of an axis not 1", raw([n("Squeeze", ["x"], "y", { axes: [1] })], {}, [2, 3], "int8", 11), /^node squeeze_y \(#0, Squeeze\): axes: cannot squeeze axis 1/],
    ["an Unsqueeze without axes", raw([n("Unsqueeze", ["x"], "y")]), /^node unsqueeze_y \(#0, Unsqueeze\): axes are required/],
    ["run-time Slice starts", raw([n("Cast", ["x"], "c", { to: 6 }), n("Slice", ["x", "c", "e"], "y")], { e: i32([1]) }, [1]), /^node slice_y \(#1, Slice\): input 1 \(c, starts\) must be a constant/],
    ["a Slice step 0", raw([n("Slice", ["x", "s", "e", "a", "st"], "y")], { s: i64([0]), e: i64([2]), a: i64([0]), st: i64([0]) }), /^node slice_y \(#0, Slice\): steps: step of axis 0 is 0/],
    ["a Split not summing to the axis", raw([n("Split", ["x", "s"], ["p", "y"], { axis: 1 })], { s: i64([1, 1]) }), /^node split_p \(#0, Split\): split \[1,1\] does not sum to 3/],
    ["a Concat axis out of range", raw([n("Concat", ["x", "x"], "y", { axis: 2 })]), /^node concat_y \(#0, Concat\): attribute axis 2 is out of range for rank 2/],
    ["a Concat of mismatched dims", raw([n("Transpose", ["x"], "t"), n("Concat", ["x", "t"], "y", { axis: 0 })]), /^node concat_y \(#1, Concat\): input 1 of dims \[3,2\] does not match/],
    ["an unknown Pad mode", raw([n("Pad", ["x", "p"], "y", { mode: "mirror" })], { p: i64([0, 0, 0, 0]) }), /^node pad_y \(#0, Pad\): attribute mode "mirror" is not supported/],
    ["reflect pads as large as the axis", raw([n("Pad", ["x", "p"], "y", { mode: "reflect" })], { p: i64([0, 3, 0, 0]) }), /^node pad_y \(#0, Pad\): pads: reflect pads \[3, 0\] of axis 1 must be smaller than its size 3/],
    ["Resize linear", raw([n("Resize", ["x", "", "s"], "y", { mode: "linear" })], { s: f32([1, 2]) }), /^node resize_y \(#0, Resize\): attribute mode "linear" is not supported; supported: nearest/],
    ["Resize tf_crop_and_resize", raw([n("Resize", ["x", "", "s"], "y", { coordinate_transformation_mode: "tf_crop_and_resize" })], { s: f32([1, 2]) }), /^node resize_y \(#0, Resize\): attribute coordinate_transformation_mode "tf_crop_and_resize" is not supported/],
    ["Resize negative axes", raw([n("Resize", ["x", "", "", "s"], "y", { axes: [-1] })], { s: i64([4]) }), /^node resize_y \(#0, Resize\): attribute axes: negative axis -1 is not supported/],
    ["Resize by run-time scales", raw([n("Cast", ["x"], "c", { to: 6 }), n("Resize", ["x", "", "c"], "y")]), /^node resize_y \(#1, Resize\): input 2 \(c, scales\) must be a constant/],
    ["DepthToSpace mode", raw([n("DepthToSpace", ["x"], "y", { blocksize: 1, mode: "DRC" })], {}, [1, 1, 2, 2]), /^node depthtospace_y \(#0, DepthToSpace\): attribute mode "DRC" is not supported/],
    ["DepthToSpace on int32 (no onnxruntime kernel)", raw([n("Cast", ["x"], "c", { to: 6 }), n("DepthToSpace", ["c"], "y", { blocksize: 1 })], {}, [1, 1, 2, 2]), /^node depthtospace_y \(#1, DepthToSpace\): takes int8 or uint8/],
    ["SpaceToDepth blocksize", raw([n("SpaceToDepth", ["x"], "y", { blocksize: 3 })], {}, [1, 1, 2, 2]), /^node spacetodepth_y \(#0, SpaceToDepth\): attribute blocksize 3 does not divide/],
    ["a Gather index out of range", raw([n("Gather", ["x", "i"], "y", { axis: 1 })], { i: i64([3]) }), /^node gather_y \(#0, Gather\): indices: index 3 is out of range for axis 1 of size 3/],
    ["a Gather axis out of range", raw([n("Gather", ["x", "i"], "y", { axis: -3 })], { i: i64([0]) }), /^node gather_y \(#0, Gather\): attribute axis -3 is out of range/],
    ["a table lookup whose int8 indices can fall outside a 3-entry table", raw([n("Cast", ["x"], "c", { to: 6 }), n("Gather", ["t", "c"], "y")], { t: i8([1, 2, 3]) }, [1]), /^node gather_y \(#1, Gather\): index 0 may range over \[-128, 127\], outside the table.s \[-3, 2\]/],
    ["a Gather of run-time data by run-time indices", raw([n("Cast", ["x"], "c", { to: 6 }), n("Gather", ["x", "c"], "y")], {}, [1]), /^node gather_y \(#1, Gather\): input 1 \(indices\) and input 0 \(data\) both depend on the model input/],
    ["an op still unsupported", raw([n("Sigmoid", ["x"], "y")]), /^node sigmoid_y \(#0, Sigmoid\): unsupported op; supported: .*Concat, .*Gather, .*Transpose, /],
  ];
  for (const [what, g, re] of cases) it(what, () => expect(refusal(g)).toMatch(re));
});
