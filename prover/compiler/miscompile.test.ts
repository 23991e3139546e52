/**
 * Attacks on the compiler with integer graphs not made by our quantizer: each graph once
 * compiled to a circuit whose witness satisfied every constraint while onnxruntime computed
 * something else. Each must now either compile to exactly onnxruntime's function or be
 * refused with an error naming the node.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph, Node, Tensor, DType } from "../onnx/graph.ts";
import { ProverError } from "../errors.ts";
import { REPO_ROOT } from "../circom.ts";
import { compileBatch, extremeInputs, type Batch } from "./testing.ts";

const t = (dtype: DType, dims: number[], v: number[]): Tensor =>
  ({ dtype, dims, data: dtype === "int8" ? Int8Array.from(v) : dtype === "int64" ? BigInt64Array.from(v, BigInt) : Int32Array.from(v) });
const node = (name: string, opType: string, inputs: string[], outputs: string[], attrs: Node["attrs"] = {}): Node => ({ name, opType, inputs, outputs, attrs });
const W = t("int8", [4, 2], [30, -20, 25, 40, -35, 10, 50, 60]);

function g(name: string, nodes: Node[], inits: Record<string, Tensor>, out: DType = "int32", inDims = [1, 4], opset = 17): Graph {
  return {
    name, opset, metadata: {}, nodes, initializers: new Map(Object.entries({ ...inits })),
    inputs: [{ name: "x", dtype: "int8", dims: inDims }], outputs: [{ name: "y", dtype: out, dims: [] }],
  };
}

/**
 * Each attack: the graph, and either "compiles" (it must then equal onnxruntime on every input
 * tried) or the refusal it must get.
 */
const attacks: { what: string; graph: Graph; refusal: RegExp | "compiles" }[] = [
  {
    what: "a Div after a Clip with no min is not moved before the Clip",
    graph: g("div-after-clip", [
      node("mm", "MatMulInteger", ["x", "W"], ["a"]), node("relu", "Relu", ["a"], ["b"]),
      node("clip", "Clip", ["b", "", "hi"], ["c"]), node("div", "Div", ["c", "four"], ["y"]),
    ], { W, hi: t("int32", [], [127]), four: t("int32", [], [4]) }),
    refusal: "compiles",
  },
  {
    what: "a Clip bound computed by another node is not dropped",
    graph: g("computed-bound", [
      node("hisum", "Add", ["h1", "h2"], ["hi"]), node("mm", "MatMulInteger", ["x", "W"], ["a"]),
      node("relu", "Relu", ["a"], ["b"]), node("clip", "Clip", ["b", "", "hi"], ["y"]),
    ], { W, h1: t("int32", [], [100]), h2: t("int32", [], [27]) }),
    refusal: "compiles",
  },
  {
    what: "a second Clip's min does not overwrite the first's",
    graph: g("two-clips", [
      node("mm", "MatMulInteger", ["x", "W"], ["a"]), node("relu", "Relu", ["a"], ["r"]), node("div", "Div", ["r", "two"], ["b"]),
      node("clip1", "Clip", ["b", "five"], ["c"]), node("clip2", "Clip", ["c", "zero", "hi"], ["y"]),
    ], { W, two: t("int32", [], [2]), five: t("int32", [], [5]), zero: t("int32", [], [0]), hi: t("int32", [], [127]) }),
    refusal: /node relu\+div\+clip1 \(#1, zkinfer.Requant\): clip with a minimum above 0 \(5\) is not supported/,
  },
  {
    what: "a fused Relu → Clip on int8 stays int8, so a later int8 Add that wraps is refused",
    graph: g("int8-add-wraps", [
      node("relu", "Relu", ["x"], ["b"]), node("clip", "Clip", ["b", "", "hi"], ["c"]), node("add", "Add", ["c", "k"], ["y"]),
    ], { hi: t("int8", [], [127]), k: t("int8", [], [100]) }, "int8"),
    refusal: /node add \(#\d+, Add\): values may reach \[100, 227\], beyond int8; onnxruntime would wrap/,
  },
  {
    what: "MatMulInteger's zero point computed at run time is not ignored",
    graph: g("matmul-runtime-zp", [
      node("pool", "MaxPool", ["x"], ["m"], { kernel_shape: [1, 4] }), node("zp", "Reshape", ["m", "one"], ["z"]),
      node("flat", "Reshape", ["x", "row"], ["a"]), node("mm", "MatMulInteger", ["a", "W", "z"], ["y"]),
    ], { W, one: t("int64", [1], [1]), row: t("int64", [2], [1, 4]) }, "int32", [1, 1, 1, 4]),
    refusal: /node mm \(#3, MatMulInteger\): zero point \(input 2, z\) must be a constant/,
  },
  {
    what: "ConvInteger's zero point computed at run time is not ignored",
    graph: g("conv-runtime-zp", [
      node("pool", "MaxPool", ["x"], ["m"], { kernel_shape: [2, 2] }), node("zp", "Reshape", ["m", "scalar"], ["z"]),
      node("conv", "ConvInteger", ["x", "K", "z"], ["y"]),
    ], { K: t("int8", [1, 1, 2, 2], [3, -7, 11, 5]), scalar: t("int64", [0], []) }, "int32", [1, 1, 2, 2]),
    refusal: /node conv \(#2, ConvInteger\): zero point \(input 2, z\) must be a constant/,
  },
  {
    what: "an integer Clip's min/max attributes (float-only in ONNX) are not given a meaning",
    graph: g("clip-attrs", [node("clip", "Clip", ["x"], ["y"], { min: 0, max: 100 })], {}, "int8"),
    refusal: /node clip \(#0, Clip\): min\/max attributes are not supported on integers/,
  },
  {
    what: "a one-element divisor of higher rank (which broadcasts the shape) is not fused away",
    graph: g("div-broadcast", [
      node("mm", "MatMulInteger", ["x", "W"], ["a"]), node("relu", "Relu", ["a"], ["b"]), node("div", "Div", ["b", "d"], ["y"]),
    ], { W, d: t("int32", [1, 1, 1], [2]) }),
    refusal: /node div \(#2, Div\): divisor of dims \[1,1,1\] would broadcast \[1,2\] to another shape/,
  },
  {
    what: "MaxPool of int32 (no such onnxruntime kernel) is refused",
    graph: g("maxpool-int32", [
      node("conv", "ConvInteger", ["x", "K"], ["c"]), node("pool", "MaxPool", ["c"], ["y"], { kernel_shape: [2, 2] }),
    ], { K: t("int8", [1, 1, 1, 1], [3]) }, "int32", [1, 1, 2, 2]),
    refusal: /node pool \(#1, MaxPool\): integer MaxPool takes int8 or uint8, got int32/,
  },
  {
    what: "MaxPool's Indices output is refused, not left undefined",
    graph: g("maxpool-indices", [node("pool", "MaxPool", ["x"], ["y", "idx"], { kernel_shape: [2, 2] })], {}, "int8", [1, 1, 2, 2]),
    refusal: /node pool \(#0, MaxPool\): the Indices output is not supported/,
  },
  {
    what: "an Add of int8 and int32 operands is refused",
    graph: g("add-mixed", [node("add", "Add", ["x", "k"], ["y"])], { k: t("int32", [], [1000]) }),
    refusal: /node add \(#0, Add\): operand types differ \(int8, int32\)/,
  },
  {
    what: "a ConvInteger whose kernel_shape contradicts its weights is refused",
    graph: g("conv-kernel-shape", [node("conv", "ConvInteger", ["x", "K"], ["y"], { kernel_shape: [1, 1] })], { K: t("int8", [1, 1, 2, 2], [1, 2, 3, 4]) }, "int32", [1, 1, 2, 2]),
    refusal: /node conv \(#0, ConvInteger\): kernel_shape \[1,1\] does not match the weights \[1,1,2,2\]/,
  },
  {
    what: "a Clip bound or divisor of another type than the value is refused (onnxruntime has no implicit promotion)",
    graph: g("mixed-types", [
      node("mm", "MatMulInteger", ["x", "W"], ["a"]), node("relu", "Relu", ["a"], ["r"]), node("keep", "Add", ["r", "zero"], ["b"]),
      node("div", "Div", ["b", "two"], ["y"]),
    ], { W, zero: t("int32", [], [0]), two: t("int8", [], [2]) }),
    refusal: /node div \(#3, Div\): divisor is int8, the input int32/,
  },
  {
    what: "an op of another domain (e.g. a model-local function) named like one of ours is refused",
    graph: g("other-domain", [
      node("mm", "MatMulInteger", ["x", "W"], ["a"]), { ...node("relu", "Relu", ["a"], ["b"]), domain: "com.example" },
      node("div", "Div", ["b", "two"], ["y"]),
    ], { W, two: t("int32", [], [2]) }),
    refusal: /node relu \(#1, Relu\): op domain "com.example" is not supported/,
  },
  {
    what: "a Clip with a negative max after a Relu of an always-negative value is not taken for 0",
    graph: g("negative-max", [
      node("mm", "MatMulInteger", ["x", "W"], ["a"]), node("bias", "Add", ["a", "b"], ["z"]), node("relu", "Relu", ["z"], ["r"]),
      node("clip", "Clip", ["r", "", "hi"], ["y"]),
    ], { W, b: t("int32", [2], [-100000, -100000]), hi: t("int32", [], [-5]) }),
    refusal: "compiles",
  },
];

let batch: Batch;
const dir = path.join(REPO_ROOT, "build", "test-circuits", `miscompile-${process.pid}`);
beforeAll(async () => { batch = await compileBatch(attacks.map((a) => a.graph), dir); }, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Inputs that reach each attack's difference: the extremes and a sweep of one value. */
function inputs(n: number): number[][] {
  const sweep = Array.from({ length: 32 }, (_, i) => Array.from({ length: n }, (_, j) => ((i * 8 + j * 37) % 256) - 128));
  return [...extremeInputs(n).map((e) => e.x), ...sweep];
}

describe("integer graphs that once miscompiled", () => {
  attacks.forEach((a, k) => {
    it(`${a.what}: compiles to onnxruntime's function or is refused naming the node`, async () => {
      const r = batch.results[k];
      if (a.refusal !== "compiles") {
        expect(r).toBeInstanceOf(ProverError);
        expect((r as ProverError).message).toMatch(a.refusal);
        return;
      }
      if (r instanceof ProverError) throw r;
      const n = r.inputSize;
      for (const x of inputs(n)) {
        const { ort, witness, violated } = await batch.run(k, x);
        expect(violated, `constraints on input [${x}]`).toBe(-1);
        expect(witness, `witness vs onnxruntime on input [${x}]`).toEqual(ort);
      }
    });
  });
});
