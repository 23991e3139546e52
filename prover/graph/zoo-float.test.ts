/**
 * The zoo of real PyTorch exports (models/zoo/<name>/model.float.onnx) in float: onnxruntime
 * reproduces torch's outputs on the committed test split, the float evaluator reproduces
 * onnxruntime's, each training card's metric is what onnxruntime's outputs score, and shape
 * inference (what the simplifier knows before any input) agrees with the evaluated dims.
 */
import ort from "onnxruntime-node";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { readOnnx } from "../onnx/proto.ts";
import { evaluateFloat, evaluateFloatOutput } from "./evaluate-float.ts";
import { KERNELS } from "./kernels.ts";
import { argmax } from "./testing.ts";

const ZOO = path.join(import.meta.dirname, "../../models/zoo");
const TOL = 1e-4;
/** Test inputs the evaluator runs per model (onnxruntime runs the whole split). */
const EVALUATED = 24;

interface TestSplit {
  inputDims: number[];
  inputs: number[][];
  outputs: number[][];
  targets: number[][];
}

interface Card {
  metrics: { floatTestAccuracy?: number; floatTestMSE?: number };
}

const names = readdirSync(ZOO).filter((d) => existsSync(path.join(ZOO, d, "model.float.onnx"))).sort();

/** Largest |a - b| relative to max(1, |b|), as prover/graph/testing.ts' expectClose measures. */
function worst(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let w = 0;
  for (let i = 0; i < a.length; i++) w = Math.max(w, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return w;
}

/** The card's metric from outputs: accuracy (argmax, or score > 0.5 for one output) or MSE. */
function metric(card: Card, outs: ArrayLike<number>[], targets: number[][]): number {
  if (card.metrics.floatTestMSE !== undefined) {
    let se = 0, n = 0;
    outs.forEach((o, i) => Array.from(o).forEach((v, k) => { se += (v - targets[i][k]) ** 2; n++; }));
    return se / n;
  }
  const hits = outs.filter((o, i) => (o.length === 1 ? Number(o[0] > 0.5) : argmax(o)) === targets[i][0]).length;
  return hits / outs.length;
}

describe("zoo float exports", () => {
  it("are present (five models)", () => {
    expect(names).toEqual(["keras-nhwc-digits", "mobilenet-digits", "resnet-digits", "tabular-breast-cancer", "unet-digits"]);
  });

  describe.each(names)("%s", (name) => {
    const dir = path.join(ZOO, name);
    const bytes = readFileSync(path.join(dir, "model.float.onnx"));
    const split = JSON.parse(gunzipSync(readFileSync(path.join(dir, "test-split.json.gz"))).toString()) as TestSplit;
    const card = JSON.parse(readFileSync(path.join(dir, "training.json"), "utf8")) as Card;

    it("onnxruntime matches torch on the test split, and scores the card's metric", async () => {
      const session = await ort.InferenceSession.create(bytes);
      const outs: Float32Array[] = [];
      for (const x of split.inputs) {
        const res = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", Float32Array.from(x), split.inputDims) });
        outs.push(res[session.outputNames[0]].data as Float32Array);
      }
      expect(outs.length).toBeGreaterThan(100);
      expect(Math.max(...outs.map((o, i) => worst(o, split.outputs[i])))).toBeLessThanOrEqual(TOL);
      const expected = card.metrics.floatTestMSE ?? card.metrics.floatTestAccuracy!;
      expect(metric(card, outs, split.targets)).toBeCloseTo(expected, 4);
    });

    it(`the float evaluator matches onnxruntime on ${EVALUATED} test inputs`, async () => {
      const graph = readOnnx(bytes);
      const session = await ort.InferenceSession.create(bytes);
      for (const x of split.inputs.slice(0, EVALUATED)) {
        const ours = evaluateFloatOutput(graph, { [graph.inputs[0].name]: { dims: split.inputDims, data: x } });
        const res = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", Float32Array.from(x), split.inputDims) });
        const theirs = res[session.outputNames[0]];
        expect(ours.dims).toEqual([...theirs.dims]);
        expect(worst(ours.data, theirs.data as Float32Array)).toBeLessThanOrEqual(TOL);
      }
    });

    it("shape inference gives every node's evaluated output dims", () => {
      const graph = readOnnx(bytes);
      const values = evaluateFloat(graph, { [graph.inputs[0].name]: { dims: split.inputDims, data: split.inputs[0] } });
      const constant = new Set(graph.initializers.keys());
      graph.nodes.forEach((node, i) => {
        const kernel = KERNELS.get(node.opType)!;
        const ctx = { opset: graph.opset, where: `${node.name} (#${i})` };
        const ins = node.inputs.map((n) => (n === "" ? undefined : values.get(n)));
        if (node.inputs.every((n) => n === "" || constant.has(n))) {
          node.outputs.forEach((o) => constant.add(o));
          return;
        }
        // Run-time inputs are given as dims only, as the simplifier sees them.
        const shapes = ins.map((v, k) => v && (constant.has(node.inputs[k]) ? v : { dims: v.dims, kind: v.kind }));
        expect(kernel.shape, `${ctx.where} has shape inference`).toBeDefined();
        expect(kernel.shape!(node, shapes, ctx)[0].dims, ctx.where).toEqual(values.get(node.outputs[0])!.dims);
      });
    });
  });
});
