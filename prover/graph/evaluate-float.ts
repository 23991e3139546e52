/**
 * The float evaluator: runs a float graph (canonical, or as exported, before simplification)
 * node by node in Float64. The quantizer calibrates with it; tests compare graphs with it.
 */
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import { kernelFor, nodeWhere } from "./kernels.ts";
import { fromTensor, size, type FloatValue } from "./value.ts";

export type FloatInput = Float32Array | Float64Array | { dims: number[]; data: ArrayLike<number> };

/**
 * Graph input dims for `count` values: fixed dims as declared; a symbolic dim takes whatever
 * the data length leaves (1 when several are symbolic and the rest is ambiguous).
 */
function resolveDims(name: string, declared: (number | string)[], count: number): number[] {
  const fixed = size(declared.filter((d): d is number => typeof d === "number"));
  const symbolic = declared.filter((d) => typeof d === "string").length;
  const fill = symbolic === 1 && fixed > 0 ? count / fixed : 1;
  const dims = declared.map((d) => (typeof d === "number" ? d : fill));
  if (size(dims) !== count) throw new ProverError(`input ${name}: ${count} values do not fit dims [${declared}]`);
  return dims;
}

/**
 * Evaluates the graph in float; returns every named value (initializers, inputs,
 * intermediates, outputs). Example: `evaluateFloat(g, { input: pixels }).get("logits")!.data`
 */
export function evaluateFloat(graph: Graph, inputs: Record<string, FloatInput>): Map<string, FloatValue> {
  const values = new Map<string, FloatValue>();
  for (const [name, t] of graph.initializers) values.set(name, fromTensor(t));
  for (const vi of graph.inputs) {
    const given = inputs[vi.name];
    if (!given) throw new ProverError(`input ${vi.name} is missing`);
    const data = "dims" in given ? given.data : given;
    const dims = "dims" in given ? [...given.dims] : resolveDims(vi.name, vi.dims, data.length);
    if (size(dims) !== data.length) throw new ProverError(`input ${vi.name}: ${data.length} values for dims [${dims}]`);
    values.set(vi.name, { dims, data: Float64Array.from(data), kind: vi.dtype === "float32" ? "float" : "int" });
  }
  graph.nodes.forEach((node, i) => {
    const where = nodeWhere(node.name, i, node.opType);
    const kernel = kernelFor(node.opType, where);
    const ins = node.inputs.map((n) => {
      if (n === "") return undefined;
      const v = values.get(n);
      if (!v) throw new ProverError(`${where}: input ${n} is never computed before this node`);
      return v;
    });
    const outs = kernel.run(node, ins, { opset: graph.opset, where });
    node.outputs.forEach((name, k) => {
      if (name !== "" && outs[k]) values.set(name, outs[k]);
    });
  });
  return values;
}

/** Evaluates and returns the graph's first output. */
export function evaluateFloatOutput(graph: Graph, inputs: Record<string, FloatInput>): FloatValue {
  const out = evaluateFloat(graph, inputs).get(graph.outputs[0].name);
  if (!out) throw new ProverError(`output ${graph.outputs[0].name} is never computed`);
  return out;
}
