/**
 * The TypeScript evaluator of an integer ONNX graph: the reference every circuit and every
 * onnxruntime run is tested against. Runs the graph's nodes in order through the op registry.
 */
import { ProverError } from "./errors.ts";
import type { Graph, Tensor } from "./onnx/graph.ts";
import { opFor, type IntTensor } from "./ops/index.ts";

export function toIntTensor(t: Tensor): IntTensor {
  return { dtype: t.dtype, dims: t.dims, data: Array.from(t.data as ArrayLike<number | bigint>, Number) };
}

/**
 * Evaluates the graph; returns every named value (inputs, initializers, intermediates and
 * outputs). Example: `evaluateGraph(g, { input: { dtype: "int8", dims: [1, 64], data } }).get("logits")`
 */
export function evaluateGraph(graph: Graph, inputs: Record<string, IntTensor>): Map<string, IntTensor> {
  const values = new Map<string, IntTensor>();
  for (const [name, t] of graph.initializers) values.set(name, toIntTensor(t));
  for (const vi of graph.inputs) {
    const t = inputs[vi.name];
    if (!t) throw new ProverError(`input ${vi.name} is missing`);
    if (t.dtype !== vi.dtype) throw new ProverError(`input ${vi.name}: expected ${vi.dtype}, got ${t.dtype}`);
    values.set(vi.name, t);
  }
  graph.nodes.forEach((node, i) => {
    const op = opFor(node, i);
    const outs = op.evaluate(node, node.inputs.map((n) => (n === "" ? undefined : values.get(n))));
    node.outputs.forEach((name, k) => values.set(name, outs[k]));
  });
  return values;
}

/** Evaluates and returns the graph's first output. */
export function evaluateOutput(graph: Graph, inputs: Record<string, IntTensor>): IntTensor {
  const out = evaluateGraph(graph, inputs).get(graph.outputs[0].name);
  if (!out) throw new ProverError(`output ${graph.outputs[0].name} is never computed`);
  return out;
}
