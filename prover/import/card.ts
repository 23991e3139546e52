/**
 * The model card an import adds to the manifest compile writes: where the model came from (the
 * float ONNX's sha256, its ops), how it was quantized (scales, options, calibration data), how
 * its input is preprocessed and what a client sends, float vs integer accuracy, constraints per
 * op type, and the trust of its setup.
 */
import path from "node:path";
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import type { QuantizedModel } from "../quantize/index.ts";
import type { AccuracyReport } from "./accuracy.ts";
import type { describePreprocessing } from "./preprocess.ts";

/** Ops only an integer (already quantized) graph has. */
const INTEGER_OPS = new Set(["MatMulInteger", "ConvInteger", "QLinearMatMul", "QLinearConv", "QuantizeLinear", "DequantizeLinear"]);

/** An integer ONNX goes through `zkinfer compile`; import takes float models only. */
export function refuseIntegerModel(g: Graph, file: string): void {
  const input = g.inputs[0];
  if (!input || !g.outputs[0]) throw new ProverError(`${file}: the graph has no ${input ? "output" : "input"}`);
  const integerOp = g.nodes.find((n) => INTEGER_OPS.has(n.opType));
  if (input.dtype !== "float32" || integerOp || g.metadata["zkinfer.input_shift"] !== undefined) {
    const why = input.dtype !== "float32" ? `its input ${input.name} is ${input.dtype}` : integerOp ? `it has the integer op ${integerOp.opType} (node ${integerOp.name})` : "it is a zkinfer integer model (metadata zkinfer.input_shift)";
    throw new ProverError(`${file}: an integer model (${why}); import takes a float ONNX. Compile an integer ONNX with: zkinfer compile ${file} --model-dir <dir>`);
  }
  if (g.inputs.length !== 1 || g.outputs.length !== 1) throw new ProverError(`${file}: the graph has ${g.inputs.length} inputs and ${g.outputs.length} outputs; import takes one of each`);
}

const opCounts = (g: Graph) => {
  const c: Record<string, number> = {};
  for (const n of g.nodes) c[n.opType] = (c[n.opType] ?? 0) + 1;
  return c;
};

export interface CardFacts {
  float: Graph;
  floatFile: string;
  source: string;
  quantized: QuantizedModel;
  preprocessing: ReturnType<typeof describePreprocessing>;
  calibration: { file: string; sha256: string; samples: number };
  test?: { file: string; sha256: string; samples: number; labelled: boolean };
  accuracy?: AccuracyReport;
  quantizeOptions: Record<string, unknown>;
  setup?: Record<string, unknown>;
}

export function modelCard(compiled: Record<string, unknown>, f: CardFacts): Record<string, unknown> {
  const circuit = compiled.circuit as { perNode?: { opType: string; constraints: number }[] };
  const perOpType: Record<string, number> = {};
  for (const n of circuit.perNode ?? []) perOpType[n.opType] = (perOpType[n.opType] ?? 0) + n.constraints;
  const file = (p: string) => path.basename(p);
  return {
    ...compiled,
    source: {
      file: file(f.floatFile),
      sha256: f.source,
      copy: "model.float.onnx",
      opset: f.float.opset,
      ops: opCounts(f.float),
    },
    input: { ...(compiled.input as object), preprocessing: f.preprocessing },
    integerOps: opCounts(f.quantized.graph),
    circuit: { ...circuit, perOpType },
    quantization: { ...f.quantized.report, options: f.quantizeOptions, notes: f.quantized.notes },
    data: {
      calibration: { ...f.calibration, file: file(f.calibration.file) },
      ...(f.test ? { test: { ...f.test, file: file(f.test.file) } } : {}),
    },
    ...(f.accuracy ? { accuracy: f.accuracy } : {}),
    ...(f.setup ? { setup: f.setup } : {}),
  };
}
