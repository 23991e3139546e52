/**
 * Test support: small integer ONNX graphs exercising every rewiring op with several attribute
 * variants (opset forms, negative and clamped values, modes). Each takes an int8 input x and
 * gives one output y. Not used outside tests.
 */
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { evaluateOutput } from "../evaluate-integer.ts";

export const i64 = (v: (number | bigint)[], dims = [v.length]): Tensor => ({ dtype: "int64", dims, data: BigInt64Array.from(v, (x) => BigInt(x)) });
export const i32 = (v: number[], dims = [v.length]): Tensor => ({ dtype: "int32", dims, data: Int32Array.from(v) });
export const i8 = (v: number[], dims = [v.length]): Tensor => ({ dtype: "int8", dims, data: Int8Array.from(v) });
export const f32 = (v: number[], dims = [v.length]): Tensor => ({ dtype: "float32", dims, data: Float32Array.from(v) });

type Attrs = Node["attrs"];
/** A node: op, inputs, outputs (the last node's first output should be "y"), attributes. */
export const n = (opType: string, inputs: string[], outputs: string[] | string, attrs: Attrs = {}): Node =>
  ({ name: `${opType.toLowerCase()}_${Array.isArray(outputs) ? outputs[0] : outputs}`, opType, inputs, outputs: Array.isArray(outputs) ? outputs : [outputs], attrs });

export function graph(name: string, dims: number[], nodes: Node[], inits: Record<string, Tensor> = {}, opset = 17): Graph {
  const g: Graph = {
    name, opset, metadata: {}, nodes,
    initializers: new Map(Object.entries(inits)),
    inputs: [{ name: "x", dtype: "int8", dims }],
    outputs: [{ name: "y", dtype: "int8", dims: [] }],
  };
  // The declared output type and dims are what the graph computes (onnxruntime checks the type).
  const size = dims.reduce((a, b) => a * b, 1);
  const out = evaluateOutput(g, { x: { dtype: "int8", dims, data: new Array(size).fill(0) } });
  g.outputs = [{ name: "y", dtype: out.dtype, dims: out.dims }];
  return g;
}

const RESIZE_COORDS = ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn"];
const RESIZE_NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];

function resizeCases(): Graph[] {
  const out: Graph[] = [];
  for (const coord of RESIZE_COORDS)
    for (const nearest of RESIZE_NEAREST) {
      const attrs = { coordinate_transformation_mode: coord, nearest_mode: nearest };
      out.push(graph(`resize sizes ${coord} ${nearest}`, [1, 2, 3, 5], [n("Resize", ["x", "", "", "sz"], "y", attrs)], { sz: i64([1, 2, 7, 3]) }, 13));
      out.push(graph(`resize scales ${coord} ${nearest}`, [1, 1, 4, 5], [n("Resize", ["x", "", "sc"], "y", attrs)], { sc: f32([1, 1, 1.7, 0.6]) }, 13));
    }
  out.push(
    graph("resize default attrs x2", [1, 2, 2, 3], [n("Resize", ["x", "", "sc"], "y")], { sc: f32([1, 1, 2, 2]) }, 13),
    graph("resize opset 11 roi+scales", [1, 1, 3, 3], [n("Resize", ["x", "roi", "sc"], "y", { nearest_mode: "floor", coordinate_transformation_mode: "asymmetric" })], { roi: f32([]), sc: f32([1, 1, 3, 2]) }, 11),
    graph("resize opset 10", [1, 1, 4, 5], [n("Resize", ["x", "sc"], "y")], { sc: f32([1, 1, 2, 0.5]) }, 10),
    graph("resize opset 18 axes not_larger", [1, 1, 4, 6], [n("Resize", ["x", "", "", "sz"], "y", { axes: [2, 3], keep_aspect_ratio_policy: "not_larger" })], { sz: i64([6, 7]) }, 18),
    graph("resize opset 18 axes not_smaller", [1, 1, 4, 6], [n("Resize", ["x", "", "", "sz"], "y", { axes: [3, 2], keep_aspect_ratio_policy: "not_smaller" })], { sz: i64([7, 6]) }, 18),
    graph("upsample opset 9", [1, 1, 2, 3], [n("Upsample", ["x", "sc"], "y")], { sc: f32([1, 1, 2, 3]) }, 9),
    graph("upsample opset 7", [1, 2, 2, 2], [n("Upsample", ["x"], "y", { scales: [1, 1, 2.5, 1.5] })], {}, 7),
  );
  return out;
}

export function rewireCases(): Graph[] {
  const BIG = 9223372036854775807n, SMALL = -9223372036854775808n;
  return [
    graph("identity input to output", [2, 3], [n("Identity", ["x"], "y")]),
    graph("transpose default perm", [2, 3, 4], [n("Transpose", ["x"], "y")]),
    graph("transpose NHWC pair", [1, 2, 3, 4], [n("Transpose", ["x"], "t", { perm: [0, 2, 3, 1] }), n("Transpose", ["t"], "u", { perm: [0, 3, 1, 2] }), n("Transpose", ["u"], "y", { perm: [1, 0, 3, 2] })]),
    graph("unsqueeze/squeeze axes inputs", [3, 4], [n("Unsqueeze", ["x", "a"], "u"), n("Squeeze", ["u", "b"], "y")], { a: i64([0, -1]), b: i64([-1]) }, 13),
    graph("squeeze all ones", [1, 3, 1, 2], [n("Squeeze", ["x"], "y")], {}, 13),
    graph("unsqueeze/squeeze attributes", [3, 2], [n("Unsqueeze", ["x"], "u", { axes: [1, 3] }), n("Squeeze", ["u"], "y", { axes: [-1] })], {}, 11),
    graph("slice one axis", [4, 6], [n("Slice", ["x", "s", "e", "a"], "y")], { s: i64([1]), e: i64([-1]), a: i64([1]) }),
    graph("slice negative steps clamped", [5, 6], [n("Slice", ["x", "s", "e", "a", "st"], "y")], { s: i64([-1, 100]), e: i64([-1000, 0]), a: i64([0, 1]), st: i64([-2, -1]) }),
    graph("slice int64 extremes, step 3", [2, 8], [n("Slice", ["x", "s", "e", "a", "st"], "y")], { s: i64([SMALL]), e: i64([BIG]), a: i64([-1]), st: i64([3]) }),
    graph("slice reverse all", [3, 4], [n("Slice", ["x", "s", "e", "a", "st"], "y")], { s: i64([-1, BIG]), e: i64([SMALL, SMALL]), a: i64([0, 1]), st: i64([-1, -1]) }),
    graph("slice int32 params, axes omitted", [4, 3, 2], [n("Slice", ["x", "s", "e"], "y")], { s: i32([1, -2]), e: i32([3, 3]) }),
    graph("slice opset 9 attributes", [4, 2, 5], [n("Slice", ["x"], "y", { starts: [1, 0], ends: [3, 1000], axes: [0, 2] })], {}, 9),
    graph("split input, concat reversed", [2, 6], [n("Split", ["x", "sp"], ["p", "q", "r"], { axis: 1 }), n("Concat", ["r", "p", "q"], "y", { axis: 1 })], { sp: i64([1, 3, 2]) }, 13),
    graph("split num_outputs uneven", [2, 7], [n("Split", ["x"], ["p", "q", "r"], { axis: -1, num_outputs: 3 }), n("Concat", ["r", "p", "q"], "y", { axis: -1 })], {}, 18),
    graph("split equal", [4, 3], [n("Split", ["x"], ["p", "q"]), n("Concat", ["q", "p"], "y", { axis: 0 })], {}, 13),
    graph("split attribute", [3, 4], [n("Split", ["x"], ["p", "q"], { axis: 1, split: [1, 3] }), n("Concat", ["q", "p"], "y", { axis: 1 })], {}, 11),
    graph("concat with constants", [2, 3], [n("Concat", ["x", "c", "x"], "y", { axis: -1 })], { c: i8([5, -128, 127, 0], [2, 2]) }),
    graph("concat axis 0 with transpose", [3, 3], [n("Transpose", ["x"], "t"), n("Concat", ["t", "x"], "y", { axis: 0 })]),
    graph("pad constant value", [1, 2, 3, 3], [n("Pad", ["x", "p", "v"], "y")], { p: i64([0, 1, 2, 0, 0, 2, 1, 1]), v: i8([-7], []) }, 13),
    graph("pad default value, negative crops", [3, 4], [n("Pad", ["x", "p"], "y")], { p: i64([0, -1, 1, 2]) }, 13),
    graph("pad reflect", [3, 4], [n("Pad", ["x", "p"], "y", { mode: "reflect" })], { p: i64([1, 2, 2, 3]) }, 13),
    graph("pad edge", [3, 4], [n("Pad", ["x", "p"], "y", { mode: "edge" })], { p: i64([2, 0, 0, 3]) }, 13),
    graph("pad wrap", [3, 4], [n("Pad", ["x", "p", "", "ax"], "y", { mode: "wrap" })], { p: i64([1, 2, 3, 1]), ax: i64([0, 1]) }, 19),
    graph("pad axes input", [2, 3, 4], [n("Pad", ["x", "p", "v", "ax"], "y")], { p: i64([1, 2]), v: i8([3], []), ax: i64([-1]) }, 18),
    graph("pad then relu", [2, 3], [n("Pad", ["x", "p", "v"], "q"), n("Relu", ["q"], "y")], { p: i64([1, 1, 1, 1]), v: i8([-5], []) }, 14),
    ...resizeCases(),
    graph("depth to space DCR", [1, 8, 2, 3], [n("DepthToSpace", ["x"], "y", { blocksize: 2 })], {}, 13),
    graph("depth to space CRD", [1, 8, 2, 3], [n("DepthToSpace", ["x"], "y", { blocksize: 2, mode: "CRD" })], {}, 13),
    graph("space to depth", [1, 2, 4, 6], [n("SpaceToDepth", ["x"], "y", { blocksize: 2 })], {}, 13),
    graph("expand to higher rank", [3, 1], [n("Expand", ["x", "s"], "y")], { s: i64([2, 3, 4]) }),
    graph("expand bidirectional", [1, 4], [n("Expand", ["x", "s"], "y")], { s: i64([3, 1]) }),
    graph("tile", [2, 3, 2], [n("Tile", ["x", "r"], "y")], { r: i64([2, 1, 3]) }),
    graph("tile int32 after cast", [2, 3], [n("Cast", ["x"], "c", { to: 6 }), n("Tile", ["c", "r"], "y")], { r: i64([1, 2]) }),
    graph("gather axis 0, negative", [4, 3], [n("Gather", ["x", "i"], "y")], { i: i64([2, -1, 0, 2]) }),
    graph("gather 2-d indices axis 1", [2, 3, 4], [n("Gather", ["x", "i"], "y", { axis: 1 })], { i: i64([0, 2, -3, 1], [2, 2]) }),
    graph("gather scalar index, axis -1, int32", [2, 3, 4], [n("Gather", ["x", "i"], "y", { axis: -1 })], { i: i32([-2], []) }),
    graph("gather then concat with constant", [3, 2], [n("Gather", ["x", "i"], "g", { axis: 0 }), n("Concat", ["c", "g"], "y", { axis: 0 })], { i: i64([1]), c: i8([9, 9], [1, 2]) }),
  ];
}

/** The rewiring ops: each must cost 0 constraints and emit no line. */
export const REWIRE_OPS = new Set(["Identity", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Split", "Concat", "Pad", "Resize", "Upsample", "DepthToSpace", "SpaceToDepth", "Expand", "Tile", "Gather"]);
