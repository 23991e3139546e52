/**
 * The quantizer's facade (prover/quantize quantizeModel: simplify, then quantize with the float
 * evaluator) with a count of the float evaluations, one per calibration input: the calibration
 * step's progress bar. calibrate.test.ts checks it makes what quantizeModel makes, byte for byte.
 */
import type { Graph } from "../onnx/graph.ts";
import { evaluateFloat, simplifyFloatGraph } from "../graph/index.ts";
import type { QuantizedModel, QuantizeOptions } from "../quantize/index.ts";
import { quantizeGraph } from "../quantize/quantize-graph.ts";

export function quantizeCounting(float: Graph, calibration: ArrayLike<number>[], opts: QuantizeOptions, evaluated: () => void): QuantizedModel {
  const { graph: canonical, notes, fileIndex } = simplifyFloatGraph(float);
  const { graph, report } = quantizeGraph(canonical, calibration, (g, inputs) => {
    const values = evaluateFloat(g, inputs);
    evaluated();
    return values;
  }, opts, fileIndex);
  return { graph, report, notes };
}
