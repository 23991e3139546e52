/** The quantizer: integer graphs onnxruntime runs, decisions kept, refusals that name the node. */
import { describe, expect, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import { initMlp, mlpToOnnx, forward, argmax } from "../../models/lib/mlp.ts";
import { quantizeModel, quantizeInput } from "./index.ts";
import { writeOnnx, readOnnx } from "../onnx/proto.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { evaluateOutput } from "../evaluate-integer.ts";

describe("quantizeModel", () => {
  const rng = new Rng(1);
  const layers = initMlp([8, 6, 4], rng);
  const float = mlpToOnnx(layers, "tiny");
  const calib = Array.from({ length: 50 }, () => Array.from({ length: 8 }, () => rng.next()));

  it("writes an integer graph of ops onnxruntime runs, equal to the evaluator", async () => {
    const { graph, report } = quantizeModel(float, calib, { inputShift: 6 });
    expect(graph.nodes.map((n) => n.opType)).toEqual(["MatMulInteger", "Add", "Relu", "Div", "Clip", "Cast", "MatMulInteger", "Add"]);
    const relu = report.layers.find((l) => l.opType === "Relu")!;
    expect(relu.rescale).toBe(report.layers[0].accShift! - relu.outShift!);
    const bytes = writeOnnx(graph);
    const again = readOnnx(bytes);
    expect(again.nodes.map((n) => n.name)).toEqual(graph.nodes.map((n) => n.name));
    for (const x of calib.slice(0, 20)) {
      const q = quantizeInput(x, 6);
      const ev = evaluateOutput(again, { input: { dtype: "int8", dims: [1, 8], data: Array.from(q) } }).data;
      expect(ev).toEqual(await runOnnx(bytes, q));
    }
  });

  it("keeps the float model's decisions on its calibration data", async () => {
    const { graph, report } = quantizeModel(float, calib);
    const bytes = writeOnnx(graph);
    let same = 0;
    for (const x of calib) if (argmax(await runOnnx(bytes, quantizeInput(x, report.inputShift))) === argmax(forward(layers, x).at(-1)!)) same++;
    expect(same / calib.length).toBeGreaterThanOrEqual(0.9);
  });

  it("quantizes inputs by rounding half away from zero and clamping to int8", () => {
    expect(Array.from(quantizeInput([0.5 / 16, -0.5 / 16, 100, -100, 0.3 / 16], 4))).toEqual([1, -1, 127, -128, 0]);
  });

  it("refuses a model whose int32 accumulator could overflow, naming the node", () => {
    const wide = initMlp([300000, 2], new Rng(2));
    wide[0].w.fill(1);
    expect(() => quantizeModel(mlpToOnnx(wide, "wide"), [new Array(300000).fill(1)], { inputShift: 6 })).toThrow(/node fc0 \(#0, Gemm\): int32 accumulator may overflow/);
  });

  it("refuses an op it cannot quantize, naming the node", () => {
    const g = mlpToOnnx(layers, "x");
    g.nodes[1] = { ...g.nodes[1], opType: "Hardmax", name: "sig" };
    expect(() => quantizeModel(g, calib)).toThrow(/node sig \(#1, Hardmax\): unsupported op/);
  });

  it("requantizes a linear layer's int32 output when another linear layer reads it", async () => {
    const g = mlpToOnnx(layers, "x");
    g.nodes.splice(1, 1); // drop the Relu between the two Gemms
    g.nodes[1] = { ...g.nodes[1], inputs: ["fc0.out", ...g.nodes[1].inputs.slice(1)] };
    const { graph, report } = quantizeModel(g, calib);
    expect(report.layers.map((l) => l.opType)).toEqual(["Gemm", "Requant", "Gemm"]);
    const bytes = writeOnnx(graph);
    for (const x of calib.slice(0, 10)) {
      const q = quantizeInput(x, report.inputShift);
      expect(evaluateOutput(graph, { input: { dtype: "int8", dims: [1, 8], data: Array.from(q) } }).data).toEqual(await runOnnx(bytes, q));
    }
  });
});
