/**
 * What simplifyFloatGraph refuses, and that each refusal names the node the user exported:
 * its name, its index in the ORIGINAL graph and its op type.
 */
import { describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import { evaluateFloat, simplifyFloatGraph } from "./index.ts";
import { GraphBuilder, i64, vi } from "./testing.ts";

/** input [1, 8] → Gemm "fc" → ...tail... ; the tail decides what is refused. */
function dense(tail: (b: GraphBuilder, x: string) => string, opset = 13): Graph {
  const b = new GraphBuilder();
  const x = b.node("Gemm", "fc", ["input", b.rand("w", [8, 6]), b.rand("b", [6])]);
  const y = tail(b, x);
  return b.build([vi("input", [1, 8])], [vi(y, [1, 6])], opset);
}

const bn = (b: GraphBuilder, name: string, x: string, c = 6) =>
  b.node("BatchNormalization", name, [x, b.rand(`${name}.s`, [c]), b.rand(`${name}.b`, [c]), b.rand(`${name}.m`, [c]), b.rand(`${name}.v`, [c], 0.5, 1)]);

function refusal(g: Graph): string {
  try {
    simplifyFloatGraph(g);
  } catch (e) {
    expect(e).toBeInstanceOf(ProverError);
    return (e as Error).message;
  }
  throw new Error("simplifyFloatGraph accepted the graph");
}

describe("simplifyFloatGraph refuses", () => {
  it("an unsupported op (Hardmax), naming it and listing the supported ops", () => {
    const msg = refusal(dense((b, x) => b.node("Gemm", "fc2", [b.node("Hardmax", "act", [x]), b.rand("w2", [6, 6])])));
    expect(msg).toMatch(/^node act \(#1, Hardmax\): unsupported op; supported: Conv, ConvTranspose, Gemm, MatMul, Add, /);
    expect(msg).toContain("BatchNormalization, Softmax");
    expect(msg).toContain("Exp, Log, Sqrt");
  });

  it("with the node's index in the original graph, after earlier nodes were folded away", () => {
    const msg = refusal(dense((b, x) => {
      const s = b.node("Shape", "shape", [x]);
      const y = b.node("Reshape", "reshape", [x, b.node("Concat", "cat", [b.node("Slice", "head", [s, b.init("z", i64([1], [0])), b.init("o", i64([1], [1]))]), b.init("m1", i64([1], [-1]))], 1, { axis: 0 })]);
      return b.node("Gemm", "fc2", [b.node("Softmax", "sm", [y]), b.rand("w2", [6, 6])]);
    }));
    expect(msg).toMatch(/^node sm \(#5, Softmax\): .* read by node fc2 \(#6, Gemm\)/);
  });

  it("a Softmax that is not the last op", () => {
    const msg = refusal(dense((b, x) => b.node("Gemm", "fc2", [b.node("Softmax", "sm", [x], 1, { axis: -1 }), b.rand("w2", [6, 6])])));
    expect(msg).toMatch(/^node sm \(#1, Softmax\): Softmax is supported only as the last op .* read by node fc2 \(#2, Gemm\)/);
  });

  it("a final Softmax over an axis other than the last (dropping it would change the argmax)", () => {
    const b = new GraphBuilder();
    const x = b.node("MatMul", "mm", ["input", b.rand("w", [4, 3])]);
    b.node("Softmax", "sm", [x], ["y"], { axis: 1 });
    const msg = refusal(b.build([vi("input", [1, 5, 4])], [vi("y", [1, 5, 3])], 13));
    expect(msg).toMatch(/^node sm \(#1, Softmax\): normalises over axis 1 of dims \[1,5,3\], not the last one/);
  });

  it("a BatchNormalization that cannot be folded (after a Relu, on the input, on a value read twice) is kept as a per-channel affine", () => {
    const cases = [
      dense((b, x) => bn(b, "bn", b.node("Relu", "relu", [x]))),
      (() => { const b = new GraphBuilder(); const y = bn(b, "bn", "input", 8); return b.build([vi("input", [1, 8])], [vi(y, [1, 8])]); })(),
      dense((b, x) => b.node("Add", "skip", [bn(b, "bn", x), x])),
    ];
    for (const g of cases) {
      const { graph, notes } = simplifyFloatGraph(g);
      expect(graph.nodes.some((n) => n.opType === "BatchNormalization")).toBe(false);
      expect(notes.join("\n")).toMatch(/BatchNormalization bn kept as a per-channel affine/);
      const x = Float64Array.from({ length: 8 }, (_, i) => (i - 3) / 4);
      const name = g.inputs[0].name;
      const want = evaluateFloat(g, { [name]: x }).get(g.outputs[0].name)!.data;
      const got = evaluateFloat(graph, { [name]: x }).get(graph.outputs[0].name)!.data;
      got.forEach((v, i) => expect(v).toBeCloseTo(want[i], 5));
    }
  });

  it("a BatchNormalization whose statistics are computed at run time", () => {
    const b = new GraphBuilder();
    const x = b.node("Gemm", "fc", ["input", b.rand("w", [8, 6])]);
    const y = b.node("BatchNormalization", "bn", [x, "scale", b.rand("bb", [6]), b.rand("m", [6]), b.rand("v", [6], 0.5, 1)]);
    const g = b.build([vi("input", [1, 8]), vi("scale", [6])], [vi(y, [1, 6])]);
    expect(refusal(g)).toMatch(/^node bn \(#1, BatchNormalization\): cannot be folded: scale, B, mean and var must be constants/);
  });

  it("a Gather on run-time values with indices computed at run time", () => {
    const msg = refusal(dense((b, x) => b.node("Gather", "pick", [x, b.node("Cast", "idx", [x], 1, { to: 7 })], 1, { axis: 1 })));
    expect(msg).toMatch(/^node (idx|pick) \(#\d, (Cast|Gather)\): /);
  });

  it("a Dropout whose mask is read, or in training mode", () => {
    const masked = dense((b, x) => {
      const [y] = [b.node("Dropout", "drop", [x], [`${x}_d`, "mask"], { ratio: 0.5 })];
      return b.node("Add", "use_mask", [y, "mask"]);
    });
    expect(refusal(masked)).toMatch(/^node drop \(#1, Dropout\): its mask output mask is read/);
    // The in-memory graph has no bool type; an int64 1 stands for true.
    const training = dense((b, x) => b.node("Dropout", "drop", [x, "", b.init("tm", i64([], [1]))]));
    expect(refusal(training)).toMatch(/^node drop \(#1, Dropout\): training_mode must be absent or a constant false/);
  });

  it("a graph whose output does not depend on its input", () => {
    const b = new GraphBuilder();
    b.node("Shape", "shape", ["input"], ["y"]);
    expect(refusal(b.build([vi("input", [1, 8])], [vi("y", [2], "int64")]))).toBe("output y is a constant: it does not depend on the input");
  });
});
