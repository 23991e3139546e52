/**
 * Constant folding of a node with several outputs (Split), shape inference through it on
 * run-time values, the pads chain PyTorch exports for F.pad folded into one Pad, and the clear
 * refusals of the new kernels' unsupported or invalid forms.
 */
import { describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import type { AttrValue, Graph, Tensor } from "../onnx/graph.ts";
import { evaluateFloat } from "./evaluate-float.ts";
import { foldConstants } from "./fold-constants.ts";
import { KERNELS } from "./kernels.ts";
import { expectClose, f32, GraphBuilder, i64, runOrt, vi } from "./testing.ts";
import { fromTensor, type ValueShape } from "./value.ts";
import { Work } from "./work.ts";

describe("foldConstants with a node of several outputs", () => {
  it("folds a Split of a constant: every part reaches the nodes that read it", () => {
    const b = new GraphBuilder();
    const c = b.init("c", f32([6], [1, 2, 3, 4, 5, 6]));
    b.node("Split", "split", [c, b.init("parts", i64([2], [2, 4]))], ["lo", "hi"]);
    const joined = b.node("Concat", "join", ["hi", "lo"], 1, { axis: 0 });
    const y = b.node("Add", "add", ["x", joined]);
    const w = new Work(b.build([vi("x", [1, 6])], [vi(y, [1, 6])]));
    foldConstants(w);
    expect(w.nodes.map((n) => n.opType)).toEqual(["Add"]);
    expect(Array.from(w.inits.get(joined)!.data as Float32Array)).toEqual([3, 4, 5, 6, 1, 2]);
    expect(w.notes).toContain("folded at compile time: 1 Split, 1 Concat");
  });

  it("infers the dims of every part of a Split of a run-time value", () => {
    const b = new GraphBuilder();
    b.node("Split", "split", ["x"], ["a", "b", "c"], { axis: -1, num_outputs: 3 });
    const y = b.node("Add", "add", ["a", "c"]);
    const w = new Work(b.build([vi("x", ["batch", 2, 7])], [vi(y, [1, 2, 3]), vi("b", [1, 2, 3])], 18));
    foldConstants(w);
    expect(["a", "b", "c"].map((n) => w.dims.get(n))).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 1]]);
    expect(w.outputs.map((o) => o.dims)).toEqual([[1, 2, 3], [1, 2, 3]]);
  });
});

describe("PyTorch's F.pad at opset 11: the pads are computed by a chain of shape ops", () => {
  /** The chain torch builds for pads [1, 2] on the last axis of a rank-4 input (ConstantOfShape, flip by Slice, Transpose). */
  function torchPad(mode: string): Graph {
    const b = new GraphBuilder();
    const ext = b.node("Sub", "ext", [b.node("Mul", "rank2", [b.init("rank", i64([], [4])), b.init("two", i64([], [2]))]), b.init("padLen", i64([], [2]))]);
    const zeros = b.node("ConstantOfShape", "zeros", [b.node("Unsqueeze", "ext1", [ext], 1, { axes: [0] })], 1, { value: i64([1], [0]) });
    const all = b.node("Concat", "all", [b.node("Cast", "castPad", [b.init("pad", i64([2], [1, 2]))], 1, { to: 7 }), zeros], 1, { axis: 0 });
    const pairs = b.node("Reshape", "pairs", [all, b.init("m12", i64([2], [-1, 2]))]);
    const flip = b.node("Slice", "flip", [pairs, b.init("s", i64([1], [-1])), b.init("e", i64([1], [-(2 ** 53)])), b.init("a", i64([1], [0])), b.init("st", i64([1], [-1]))]);
    const flat = b.node("Reshape", "flat", [b.node("Transpose", "tr", [flip], 1, { perm: [1, 0] }), b.init("m1", i64([1], [-1]))]);
    const y = b.node("Pad", "pad", ["x", b.node("Cast", "castAll", [flat], 1, { to: 7 }), b.init("v", f32([], [0.5]))], 1, { mode });
    return b.build([vi("x", ["batch", 2, 3, 4])], [vi(y, [1, 2, 3, 7])], 11);
  }

  it("folds to one Pad with constant pads that evaluates as onnxruntime does", async () => {
    for (const mode of ["constant", "reflect", "edge"]) {
      const g = torchPad(mode);
      const x = { dims: [1, 2, 3, 4], data: Array.from({ length: 24 }, (_, i) => i * 0.25 - 3) };
      expectClose(evaluateFloat(g, { x }).get(g.outputs[0].name), (await runOrt(g, { x })).get(g.outputs[0].name));
      const w = new Work(g);
      foldConstants(w);
      expect(w.nodes.map((n) => n.opType)).toEqual(["Pad"]);
      expect(Array.from(w.inits.get(w.nodes[0].inputs[1])!.data as BigInt64Array, Number)).toEqual([0, 0, 0, 1, 0, 0, 0, 2]);
      expect(w.outputs[0].dims).toEqual([1, 2, 3, 7]);
    }
  });
});

/** One node "n" on input x [1, 4, 2, 2] plus constants; evaluateFloat's refusal message. */
function refusal(opType: string, attrs: Record<string, AttrValue>, consts: [string, Tensor | undefined][] = [], opset = 13, outputs = 1): string {
  const inits = new Map(consts.filter((c): c is [string, Tensor] => c[1] !== undefined));
  const g: Graph = {
    name: "op", opset, metadata: {}, initializers: inits, inputs: [vi("x", [1, 4, 2, 2])], outputs: [],
    nodes: [{ name: "n", opType, inputs: ["x", ...consts.map(([n, t]) => (t ? n : ""))], outputs: Array.from({ length: outputs }, (_, k) => `y${k}`), attrs }],
  };
  try {
    evaluateFloat(g, { x: { dims: [1, 4, 2, 2], data: new Array(16).fill(1) } });
  } catch (e) {
    expect(e).toBeInstanceOf(ProverError);
    return (e as Error).message;
  }
  throw new Error(`${opType} was accepted`);
}

describe("the new kernels refuse, naming the node and what is wrong", () => {
  it("attribute-vs-input forms that do not exist at the graph's opset", () => {
    expect(refusal("Split", { split: [2, 2], axis: 1 }, [], 13, 2)).toBe("node n (#0, Split): the split attribute is not part of Split at opset 13; split is input 1");
    expect(refusal("Split", { axis: 1 }, [["s", i64([2], [1, 3])]], 11, 2)).toMatch(/^node n \(#0, Split\): the split input needs opset 13/);
    expect(refusal("Split", { axis: 1, num_outputs: 2 }, [], 13, 2)).toMatch(/^node n \(#0, Split\): the num_outputs attribute needs opset 18/);
    expect(refusal("Pad", { pads: [0, 0, 1, 1, 0, 0, 1, 1] }, [], 13)).toMatch(/^node n \(#0, Pad\): the pads attribute is not part of Pad at opset 13/);
    expect(refusal("ReduceMax", { axes: [1] }, [], 18)).toMatch(/^node n \(#0, ReduceMax\): the axes attribute is not part of ReduceMax at opset 18/);
    expect(refusal("ReduceSum", {}, [["a", i64([1], [1])]], 12)).toMatch(/^node n \(#0, ReduceSum\): the axes input needs a later opset/);
    expect(refusal("Upsample", { mode: "nearest" }, [["s", f32([4], [1, 1, 2, 2])]], 10)).toMatch(/^node n \(#0, Upsample\): Upsample of opset 10 is not supported/);
  });

  it("unsupported modes and invalid sizes", () => {
    expect(refusal("Pad", { mode: "wrap" }, [["p", i64([8], [0, 0, 1, 1, 0, 0, 1, 1])]], 18)).toBe("node n (#0, Pad): mode wrap needs opset 19 (graph opset 18)");
    expect(refusal("Pad", { mode: "mirror" }, [["p", i64([8], [0, 0, 1, 1, 0, 0, 1, 1])]])).toBe("node n (#0, Pad): mode mirror is not supported (constant, reflect, edge, wrap)");
    expect(refusal("Pad", { mode: "reflect" }, [["p", i64([8], [0, 0, 2, 0, 0, 0, 0, 0])]])).toMatch(/^node n \(#0, Pad\): reflect pads 2, 0 must be less than the 2 elements of axis 2$/);
    expect(refusal("Pad", { mode: "wrap" }, [["p", i64([8], [0, 0, 3, 0, 0, 0, 0, 0])]], 19)).toBe("node n (#0, Pad): wrap begin pad 3 must not exceed the 2 elements of axis 2");
    expect(refusal("Upsample", { mode: "linear", scales: [1, 1, 2, 2] }, [], 7)).toMatch(/^node n \(#0, Upsample\): mode linear is not supported/);
    expect(refusal("DepthToSpace", { blocksize: 3 })).toMatch(/^node n \(#0, DepthToSpace\): 4 channels are not a multiple of blocksize² = 9$/);
    expect(refusal("Split", { axis: 1 }, [], 11, 3)).toMatch(/^node n \(#0, Split\): axis 1 of length 4 does not split evenly into 3 outputs$/);
    expect(refusal("Split", { axis: 1 }, [["s", i64([2], [1, 2])]], 13, 2)).toMatch(/^node n \(#0, Split\): split \[1,2\] does not add up to the length 4 of axis 1$/);
    expect(refusal("Split", { axis: 1 }, [], 18, 2)).toBe("node n (#0, Split): at opset 18, either the split input or the num_outputs attribute is required");
    expect(refusal("Split", { axis: 1, num_outputs: 3 }, [], 18, 3)).toMatch(/^node n \(#0, Split\): axis 1 of length 4 cannot be split into 3 parts of 2, the last one non-empty$/);
    expect(refusal("Tile", {}, [["r", i64([2], [2, 2])]])).toMatch(/^node n \(#0, Tile\): repeats \[2,2\] must hold one value per axis/);
  });

  it("shape inference of inputs that must be constants but are computed at run time", () => {
    const runtime = { dims: [2], kind: "int" as const };
    const x = { dims: [1, 4, 2, 2], kind: "float" as const };
    const shapeOf = (op: string, ins: ValueShape[]) =>
      () => KERNELS.get(op)!.shape!({ name: "n", opType: op, inputs: [], outputs: ["y"], attrs: {} }, ins, { opset: 13, where: `node n (#0, ${op})` });
    expect(shapeOf("Gather", [x, runtime])).toThrow(/^node n \(#0, Gather\): indices \(input 1\) must be a constant/);
    expect(shapeOf("Pad", [x, { dims: [8], kind: "int" }])).toThrow(/^node n \(#0, Pad\): pads \(input 1\) must be a constant/);
    expect(shapeOf("Tile", [x, { dims: [4], kind: "int" }])).toThrow(/^node n \(#0, Tile\): repeats \(input 1\) must be a constant/);
    expect(shapeOf("Expand", [x, runtime])).toThrow(/^node n \(#0, Expand\): shape \(input 1\) must be a constant/);
    expect(shapeOf("Slice", [x, fromTensor(i64([1], [0])), runtime])).toThrow(/^node n \(#0, Slice\): ends \(input 2\) must be a constant/);
  });
});
