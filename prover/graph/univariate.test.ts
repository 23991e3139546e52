/**
 * Activation fusion and the input BatchNormalization fold: GELU (erf and tanh forms, in any
 * node order exporters emit) and SiLU become one Univariate node, single nonlinearities keep
 * their attributes, a BatchNormalization on the graph input folds forward into the Gemm after
 * it, and each simplified graph computes what the exported one does. A pattern that only looks
 * like GELU is not fused, and its run-time Div is refused naming the node.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import { simplifyFloatGraph } from "./simplify.ts";
import { evaluateFloatOutput } from "./evaluate-float.ts";
import { f32, GraphBuilder, vi } from "./testing.ts";
import type { Graph } from "../onnx/graph.ts";

const rng = new Rng(5);
const N = 6;

/** input [1, N] → Gemm → act(b, x) → Gemm → output. */
function dense(act: (b: GraphBuilder, x: string) => string, opset = 13): Graph {
  const b = new GraphBuilder(() => rng.next());
  const h = b.node("Gemm", "fc1", ["input", b.rand("w1", [N, N], -2, 2), b.rand("b1", [N])], ["h"], { transB: 1 });
  const a = act(b, h);
  b.node("Gemm", "fc2", [a, b.rand("w2", [N, 2]), b.rand("b2", [2])], ["output"]);
  return b.build([vi("input", [1, N])], [vi("output", [1, 2])], opset);
}

const scalar = (b: GraphBuilder, name: string, v: number) => b.init(name, f32([], [v]));
const constNode = (b: GraphBuilder, name: string, v: number) => b.node("Constant", name, [], 1, { value: f32([], [v]) });

function expectSame(original: Graph, simplified: Graph): void {
  for (let t = 0; t < 20; t++) {
    const x = Float64Array.from({ length: N }, () => 6 * rng.next() - 3);
    const a = evaluateFloatOutput(original, { input: x }).data, s = evaluateFloatOutput(simplified, { input: x }).data;
    for (let i = 0; i < a.length; i++) expect(s[i]).toBeCloseTo(a[i], 5);
  }
}

function univariates(g: Graph): string[] {
  return g.nodes.map((n) => (n.opType === "Univariate" ? `Univariate ${n.attrs.fn}` : n.opType));
}

const GELU_FORMS: [string, (b: GraphBuilder, x: string) => string][] = [
  ["torch (Div, Erf, Add, Mul x, Mul 0.5; Constant nodes)", (b, x) => {
    const e = b.node("Erf", "erf", [b.node("Div", "div", [x, constNode(b, "c0", Math.SQRT2)])]);
    return b.node("Mul", "mul1", [b.node("Mul", "mul", [x, b.node("Add", "add", [e, constNode(b, "c1", 1)])]), constNode(b, "c2", 0.5)]);
  }],
  ["half first (Mul 0.5 x, Mul by 1/sqrt 2, operands swapped)", (b, x) => {
    const half = b.node("Mul", "half", [scalar(b, "hc", 0.5), x]);
    const e = b.node("Erf", "erf", [b.node("Mul", "scale", [x, scalar(b, "r", Math.SQRT1_2)])]);
    return b.node("Mul", "out", [b.node("Add", "add", [scalar(b, "one", 1), e]), half]);
  }],
];

describe("activation fusion", () => {
  it.each(GELU_FORMS)("GELU as %s becomes one Univariate Gelu", (_name, act) => {
    const g = dense(act);
    const { graph, notes } = simplifyFloatGraph(g);
    expect(univariates(graph)).toEqual(["Gemm", "Univariate Gelu", "Gemm"]);
    expect(notes.some((n) => n.includes("recognised as Gelu"))).toBe(true);
    expectSame(g, graph);
  });

  it("GELU's tanh form and SiLU become GeluTanh and Silu", () => {
    const geluTanh = dense((b, x) => {
      const cube = b.node("Pow", "pow", [x, scalar(b, "three", 3)]);
      const inner = b.node("Add", "inner", [x, b.node("Mul", "k", [cube, scalar(b, "c", 0.044715)])]);
      const t = b.node("Tanh", "tanh", [b.node("Mul", "s", [inner, scalar(b, "sq", Math.sqrt(2 / Math.PI))])]);
      return b.node("Mul", "g", [b.node("Mul", "hx", [x, scalar(b, "half", 0.5)]), b.node("Add", "one", [t, scalar(b, "o", 1)])]);
    });
    const silu = dense((b, x) => b.node("Mul", "silu", [x, b.node("Sigmoid", "sig", [x])]));
    for (const [g, fn] of [[geluTanh, "GeluTanh"], [silu, "Silu"]] as const) {
      const { graph } = simplifyFloatGraph(g);
      expect(univariates(graph)).toEqual(["Gemm", `Univariate ${fn}`, "Gemm"]);
      expectSame(g, graph);
    }
  });

  it("single nonlinearities keep their attributes; Clip's constant bounds become attributes", () => {
    const cases: [string, (b: GraphBuilder, x: string) => string][] = [
      ["Tanh", (b, x) => b.node("Tanh", "a", [x])],
      ["Sigmoid", (b, x) => b.node("Sigmoid", "a", [x])],
      ["LeakyRelu", (b, x) => b.node("LeakyRelu", "a", [x], 1, { alpha: 0.3 })],
      ["HardSwish", (b, x) => b.node("HardSwish", "a", [x])],
      ["Elu", (b, x) => b.node("Elu", "a", [x], 1, { alpha: 0.7 })],
      ["Clip", (b, x) => b.node("Clip", "a", [x, scalar(b, "lo", -0.5), scalar(b, "hi", 6)])],
    ];
    for (const [op, act] of cases) {
      const g = dense(act, 14);
      const { graph } = simplifyFloatGraph(g);
      expect(univariates(graph)).toEqual(["Gemm", `Univariate ${op}`, "Gemm"]);
      expectSame(g, graph);
    }
  });

  it("a pattern that only looks like GELU (1 + erf replaced by 0.9 + erf) is not fused: its ops stay as they are", () => {
    const g = dense((b, x) => {
      const e = b.node("Erf", "erf", [b.node("Div", "div", [x, scalar(b, "s", Math.SQRT2)])]);
      return b.node("Mul", "mul1", [b.node("Mul", "mul", [x, b.node("Add", "add", [e, scalar(b, "c", 0.9)])]), scalar(b, "hc", 0.5)]);
    });
    const { graph } = simplifyFloatGraph(g);
    expect(graph.nodes.some((n) => n.attrs.fn === "Gelu")).toBe(false);
    expect(graph.nodes.map((n) => n.opType)).toEqual(expect.arrayContaining(["Div", "Univariate", "Add", "Mul"]));
  });
});

describe("BatchNormalization on the graph input", () => {
  const bnGemm = (attrs: Record<string, number>, next = "Gemm") => {
    const b = new GraphBuilder(() => rng.next());
    const bn = b.node("BatchNormalization", "bn", ["input", b.rand("g", [N], 0.5, 2), b.rand("beta", [N]), b.rand("mean", [N]), b.rand("var", [N], 0.1, 3)]);
    const h = next === "Gemm" ? b.node("Gemm", "fc1", [bn, b.rand("w1", attrs.transB ? [3, N] : [N, 3]), b.rand("b1", [3])], ["output"], attrs) : b.node("Relu", "relu", [bn], ["output"]);
    return b.build([vi("input", [1, N])], [vi("output", [1, next === "Gemm" ? 3 : N])]);
  };

  it.each<Record<string, number>>([{}, { transB: 1 }, { transB: 1, alpha: 0.5, beta: 2 }])("folds forward into the Gemm after it (%o)", (attrs) => {
    const g = bnGemm(attrs);
    const { graph, notes } = simplifyFloatGraph(g);
    expect(graph.nodes.map((n) => n.opType)).toEqual(["Gemm"]);
    expect(notes.some((n) => n.includes("folded forward"))).toBe(true);
    for (let t = 0; t < 20; t++) {
      const x = Float64Array.from({ length: N }, () => 6 * rng.next() - 3);
      const a = evaluateFloatOutput(g, { input: x }).data, s = evaluateFloatOutput(graph, { input: x }).data;
      for (let i = 0; i < a.length; i++) expect(s[i]).toBeCloseTo(a[i], 5);
    }
  });

  it("is kept as a per-channel affine when no Gemm follows it", () => {
    const { graph, notes } = simplifyFloatGraph(bnGemm({}, "Relu"));
    expect(graph.nodes.map((n) => n.opType)).toEqual(["Mul", "Add", "Relu"]);
    expect(notes.join("\n")).toMatch(/BatchNormalization bn kept as a per-channel affine/);
  });
});
