/**
 * Constant folding of a node with several outputs (Split), shape inference through it on
 * run-time values, and the clear refusals of the new kernels' unsupported or invalid forms.
 */
import { describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import type { AttrValue, Graph, Tensor } from "../onnx/graph.ts";
import { evaluateFloat } from "./evaluate.ts";
import { foldConstants } from "./fold-constants.ts";
import { KERNELS } from "./kernels.ts";
import { f32, GraphBuilder, i64, vi } from "./testing.ts";
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
    expect(refusal("Pad", { mode: "wrap" }, [["p", i64([8], [0, 0, 1, 1, 0, 0, 1, 1])]], 19)).toBe("node n (#0, Pad): mode wrap is not supported (constant, reflect, edge)");
    expect(refusal("Pad", { mode: "reflect" }, [["p", i64([8], [0, 0, 2, 0, 0, 0, 0, 0])]])).toMatch(/^node n \(#0, Pad\): reflect pads 2, 0 must be less than the 2 elements of axis 2$/);
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
