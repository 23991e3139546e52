/**
 * What the quantizer cannot express is refused with a ProverError naming the node as the user
 * exported it: `node <name> (#<index in the file>, <op>)`, the index counted before the
 * simplifier removed anything (an Identity, a Dropout, a folded Constant).
 */
import { describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import { quantizeModel } from "./index.ts";
import { calibration, conv, f32, floatGraph, gemm, i64, type GraphBuilder } from "./testing.ts";

const IN = [1, 2, 4, 4];

/** The node under test after two nodes the simplifier removes (an Identity and a Dropout), so canonical and file indices differ. */
function after2(build: (b: GraphBuilder, x: string) => string): Graph {
  return floatGraph(IN, (b, x) => {
    const id = b.node("Identity", "id", [x]);
    return build(b, b.node("Dropout", "drop", [id]));
  });
}

function refusal(g: Graph): string {
  try {
    quantizeModel(g, calibration((g.inputs[0].dims as number[]).reduce((a, c) => a * c, 1)));
  } catch (e) {
    expect(e).toBeInstanceOf(ProverError);
    return (e as Error).message;
  }
  throw new Error("not refused");
}

describe("quantizer refusals", () => {
  it("a division by a run-time value", () => {
    const g = after2((b, x) => b.node("Div", "ratio", [conv(b, "c1", x, 2, 2), b.node("Relu", "r", [conv(b, "c2", x, 2, 2)])]));
    // file: id #0, drop #1, c1 #2, c2 #3, r #4, ratio #5
    expect(refusal(g)).toMatch(/^node ratio \(#5, Div\): division by a run-time value is not supported/);
  });

  it("a constant divided by a run-time value", () => {
    const g = after2((b, x) => b.node("Div", "inv", [b.init("one", f32([], [1])), conv(b, "c1", x, 2, 2)]));
    expect(refusal(g)).toMatch(/^node inv \(#3, Div\): division by a run-time value is not supported/);
  });

  it("Resize in linear mode", () => {
    const g = after2((b, x) => b.node("Resize", "up", [conv(b, "c1", x, 2, 2), "", b.init("sc", f32([4], [1, 1, 2, 2]))], 1, { mode: "nearest" }));
    g.nodes[3].attrs.mode = "linear";
    expect(refusal(g)).toMatch(/^node up \(#3, Resize\): mode linear is not supported \(only nearest\)/);
  });

  it("Gather with indices computed at run time", () => {
    const g = floatGraph([1, 8], (b, x) => {
      const logits = gemm(b, "fc", b.node("Identity", "id", [x]), 8, 4);
      const idx = b.node("ArgMax", "pick", [logits], 1, { axis: 1, keepdims: 0 });
      return b.node("Gather", "sel", [logits, idx], 1, { axis: 1 });
    });
    expect(refusal(g)).toMatch(/^node sel \(#3, Gather\): indices \(input 1\) must be a constant/);
  });

  it("an average pool with pads and count_include_pad=0 (the divisor varies with the position)", () => {
    const g = after2((b, x) => b.node("AveragePool", "avg", [conv(b, "c1", x, 2, 2)], 1, { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }));
    expect(refusal(g)).toMatch(/^node avg \(#3, AveragePool\): padded average pooling divides by a count that varies with the position \(count_include_pad=0\)/);
  });

  it("an ArgMax index read by another node (it has no scale: only an output may be one)", () => {
    const g = floatGraph([1, 8], (b, x) => b.node("Add", "late", [b.node("ArgMax", "pick", [gemm(b, "fc", x, 8, 4)], 1, { axis: 1 }), b.init("k", i64([1], [1]))]));
    expect(refusal(g)).toMatch(/^node late \(#2, Add\): input pick_out is an ArgMax index; only a graph output may be one/);
  });
});
