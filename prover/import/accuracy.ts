/**
 * Float vs integer on a test set, both through onnxruntime (the float ONNX as given, the integer
 * ONNX as served):
 * - with labels: the accuracy of each; a label is the argmax of the outputs, or for a single
 *   output 1 when its value is above `threshold` (an ArgMax output is the label itself);
 * - always: how often the two predict the same label, and the mean absolute error between the
 *   dequantized integer outputs (q / 2^outputShift) and the float graph they approximate (the
 *   graph after simplification: a dropped Softmax leaves logits on both sides).
 */
import ort from "onnxruntime-node";
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import { onnxSession, runOnnx } from "../onnx/runtime.ts";
import { evaluateFloatOutput } from "../graph/index.ts";
import { quantizeInput } from "../quantize/index.ts";

export interface AccuracySubject {
  floatOnnx: Uint8Array;
  /** The float graph after simplifyFloatGraph. */
  simplified: Graph;
  intOnnx: Uint8Array;
  intGraph: Graph;
  inputShift: number;
  outputShift: number;
}

export interface AccuracyReport {
  testSamples: number;
  labelRule: string;
  float?: number;
  integer?: number;
  agreement: number;
  meanAbsError?: number;
  meanAbsErrorAgainst?: string;
}

const dimsOf = (g: Graph) => g.inputs[0].dims.map((d) => (typeof d === "number" ? d : 1));

/** Runs the float ONNX on one input with onnxruntime. */
export async function runFloatOnnx(model: Uint8Array, x: Float32Array, dims: number[]): Promise<number[]> {
  const session = await onnxSession(model);
  const r = await session.run({ [session.inputNames[0]]: new ort.Tensor("float32", x, dims) });
  return Array.from(r[session.outputNames[0]].data as ArrayLike<number | bigint>, Number);
}

/** Checks that each label fits the model's output (an index of it; 0 or 1 for a single value). */
export function checkLabels(labels: number[], outputs: number, isIndex: boolean, file: string, where: (i: number) => string): void {
  const n = outputs === 1 && !isIndex ? 2 : outputs;
  labels.forEach((l, i) => {
    if (isIndex ? !Number.isInteger(l) || l < 0 : !Number.isInteger(l) || l < 0 || l >= n) {
      throw new ProverError(`${file}: ${where(i)}: label ${l} does not fit the model's output of ${outputs} value${outputs === 1 ? "" : "s"} (expected ${isIndex ? "a class index" : outputs === 1 ? "0 or 1 (a single output is thresholded)" : `a class index 0..${outputs - 1}`})`);
    }
  });
}

export async function measureAccuracy(s: AccuracySubject, inputs: Float32Array[], labels: number[] | undefined, threshold: number, tick: () => void): Promise<AccuracyReport> {
  const isIndex = s.intGraph.outputs[0].dtype === "int64";
  const label = (out: number[], scale: number) =>
    isIndex ? out[0] : out.length === 1 ? (out[0] / scale > threshold ? 1 : 0) : out.indexOf(Math.max(...out));
  const floatDims = dimsOf(s.simplified);
  let floatRight = 0, intRight = 0, agree = 0, absErr = 0, count = 0;
  for (const [i, x] of inputs.entries()) {
    const f = await runFloatOnnx(s.floatOnnx, x, floatDims);
    const q = await runOnnx(s.intOnnx, quantizeInput(x, s.inputShift), dimsOf(s.intGraph));
    if (f.length !== q.length) throw new ProverError(`the float model gives ${f.length} outputs, the integer model ${q.length}`);
    const lf = label(f, 1), lq = label(q, 2 ** s.outputShift);
    if (lf === lq) agree++;
    if (labels) {
      if (lf === labels[i]) floatRight++;
      if (lq === labels[i]) intRight++;
    }
    if (!isIndex) {
      const ref = evaluateFloatOutput(s.simplified, { [s.simplified.inputs[0].name]: x }).data;
      for (let j = 0; j < q.length; j++) absErr += Math.abs(q[j] / 2 ** s.outputShift - Number(ref[j]));
      count += q.length;
    }
    tick();
  }
  const n = inputs.length;
  return {
    testSamples: n,
    labelRule: isIndex ? "the output (ArgMax) is the label" : s.intGraph.outputs[0].dims.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1) === 1 ? `1 when the output is above ${threshold}, else 0` : "argmax of the outputs",
    ...(labels ? { float: floatRight / n, integer: intRight / n } : {}),
    agreement: agree / n,
    ...(isIndex ? {} : { meanAbsError: absErr / count, meanAbsErrorAgainst: "the float graph after simplification (see notes), per output value" }),
  };
}
