/**
 * Lookup-table activations the quantizer builds beyond one table per op: PRelu with a slope per
 * channel (one table per slope, indices offset by 256 per table), and the functions with a
 * restricted domain (Log, Sqrt, Reciprocal) or unbounded growth (Exp), plus Abs and Sign. Each
 * graph: quantized, onnxruntime == the integer evaluator, the circuit's witness == onnxruntime
 * on random and extreme inputs, and the dequantized output close to the float model's.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import type { Graph, Node } from "../onnx/graph.ts";
import { REPO_ROOT } from "../circom.ts";
import { evaluateFloatOutput } from "../graph/index.ts";
import { f32, vi } from "../graph/testing.ts";
import { compileBatch, extremeInputs, randomInputs, type Batch } from "../compiler/testing.ts";
import { terminateSnarkjsCurves } from "../snarkjs.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { quantizeInput, quantizeModel } from "./index.ts";

const rng = new Rng(11);
const rand = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + (hi - lo) * rng.next());

/** x [1, 2, 4, 4] → Conv 3x3 (2 → C) → act → ... */
function convThen(act: Node[], C = 3, out = "y"): Graph {
  const nodes: Node[] = [{ name: "conv", opType: "Conv", inputs: ["x", "w", "b"], outputs: ["c"], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } }, ...act];
  return {
    name: "t", opset: 17, metadata: {}, nodes,
    initializers: new Map([["w", f32([C, 2, 3, 3], rand(C * 18, -0.5, 0.5))], ["b", f32([C], rand(C, -0.2, 0.2))], ["slope", f32([C, 1, 1], [-0.5, 0.1, 0.25, 0.6].slice(0, C))], ["one", f32([], [1])]]),
    inputs: [vi("x", [1, 2, 4, 4])], outputs: [vi(out, [1, C, 4, 4])],
  };
}

const CASES: { name: string; graph: Graph; tol: number }[] = [
  { name: "PRelu, a slope per channel, after a Conv (int32 input)", graph: convThen([{ name: "prelu", opType: "PRelu", inputs: ["c", "slope"], outputs: ["y"], attrs: {} }]), tol: 0.1 },
  {
    name: "PRelu, a slope per channel, after a Relu and a MaxPool-free int8 path",
    graph: convThen([
      { name: "tanh", opType: "Tanh", inputs: ["c"], outputs: ["t"], attrs: {} },
      { name: "prelu", opType: "PRelu", inputs: ["t", "slope"], outputs: ["y"], attrs: {} },
    ]), tol: 0.05,
  },
  { name: "Exp", graph: convThen([{ name: "exp", opType: "Exp", inputs: ["c"], outputs: ["y"], attrs: {} }]), tol: 0.25 },
  {
    name: "Log of a Sigmoid (positive inputs), then Abs, then Sign",
    graph: convThen([
      { name: "sig", opType: "Sigmoid", inputs: ["c"], outputs: ["s"], attrs: {} },
      { name: "log", opType: "Log", inputs: ["s"], outputs: ["l"], attrs: {} },
      { name: "abs", opType: "Abs", inputs: ["l"], outputs: ["y"], attrs: {} },
    ]), tol: 0.2,
  },
  {
    name: "Sqrt and Reciprocal of 1 + Sigmoid",
    graph: convThen([
      { name: "sig", opType: "Sigmoid", inputs: ["c"], outputs: ["s"], attrs: {} },
      { name: "plus", opType: "Add", inputs: ["s", "one"], outputs: ["p"], attrs: {} },
      { name: "sqrt", opType: "Sqrt", inputs: ["p"], outputs: ["q"], attrs: {} },
      { name: "rec", opType: "Reciprocal", inputs: ["q"], outputs: ["y"], attrs: {} },
    ]), tol: 0.1,
  },
];

const calib = Array.from({ length: 40 }, () => rand(32, -1, 1));
const quantized = CASES.map((c) => quantizeModel(c.graph, calib, { name: "t" }));
const onnx = quantized.map((q) => writeOnnx(q.graph));
let batch: Batch;
/** Every graph on each extreme and random input, one witness of the whole batch per input. */
let checks: Awaited<ReturnType<Batch["runAll"]>>[];
beforeAll(async () => {
  batch = await compileBatch(quantized.map((q) => q.graph), path.join(REPO_ROOT, "build", "test-circuits", `tables-${process.pid}`));
  const xs = [...extremeInputs(32), ...randomInputs(32, 6, 100)].map((c) => c.x);
  checks = [];
  for (const x of xs) checks.push(await batch.runAll(CASES.map(() => x)));
}, 240_000);
afterAll(() => terminateSnarkjsCurves());

describe("lookup tables the quantizer builds", () => {
  it("a per-channel PRelu has one table per slope and each lookup still ranges over 256 entries", () => {
    const g = quantized[0].graph;
    expect(g.initializers.get("prelu.table")!.dims).toEqual([3 * 256]);
    expect(g.nodes.map((n) => n.opType)).toContain("Gather");
  });

  it.each(CASES.map((c, k) => [c.name, k] as const))("%s: onnxruntime == evaluator == circuit witness; close to the float model", async (_n, k) => {
    const c = batch.results[k];
    if (c instanceof Error) throw c;
    for (const r of checks) {
      const t = r[k]!;
      expect(t.evaluator).toEqual(t.ort);
      expect(t.witness).toEqual(t.ort);
      expect(t.violated).toBe(-1);
    }
    const { report } = quantized[k];
    let worst = 0;
    for (const f of calib.slice(0, 20)) {
      const xq = Array.from(quantizeInput(f, report.inputShift));
      const ort = await runOnnx(onnx[k], Int8Array.from(xq), [1, 2, 4, 4]);
      const fl = evaluateFloatOutput(CASES[k].graph, { x: Float64Array.from(xq, (v) => v / 2 ** report.inputShift) }).data;
      ort.forEach((v, i) => { worst = Math.max(worst, Math.abs(v / 2 ** report.outputShift - fl[i])); });
    }
    expect(worst).toBeLessThan(CASES[k].tol);
  }, 120_000);
});
