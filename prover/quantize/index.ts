/**
 * The quantizer's facade: a float ONNX graph as exported (PyTorch, Keras, our own trainers)
 * is simplified to the canonical op chain (prover/graph), calibrated on sample inputs with
 * the float evaluator, and rewritten as an integer graph onnxruntime runs and the compiler proves.
 */
import type { Graph } from "../onnx/graph.ts";
import { simplifyFloatGraph, evaluateFloat } from "../graph/index.ts";
import { quantizeGraph, type QuantizeOptions, type QuantizeReport } from "./quantize-graph.ts";

export { quantizeInput } from "./scales.ts";
export type { QuantizeOptions, QuantizeReport, LayerReport } from "./quantize-graph.ts";

export interface QuantizedModel {
  graph: Graph;
  report: QuantizeReport;
  /** What simplification did (e.g. "Softmax dropped: argmax unchanged"), for the manifest. */
  notes: string[];
}

export interface QuantizeModelOptions extends QuantizeOptions {
  /** Called after each float evaluation, one per calibration input (a progress bar's tick). */
  onEvaluate?: () => void;
}

export function quantizeModel(float: Graph, calibration: ArrayLike<number>[], opts: QuantizeModelOptions = {}): QuantizedModel {
  const { onEvaluate, ...quantize } = opts;
  const { graph: canonical, notes, fileIndex } = simplifyFloatGraph(float);
  const { graph, report } = quantizeGraph(canonical, calibration, (g, inputs) => {
    const values = evaluateFloat(g, inputs);
    onEvaluate?.();
    return values;
  }, quantize, fileIndex);
  return { graph, report, notes };
}
