/**
 * Which initializers are the model's weights (for the hashed-weights mode): the quantizer
 * lists them in the graph's metadata ("zkinfer.weights"); for other integer graphs, the int8
 * weight operand of each MatMulInteger / ConvInteger and the int32 constant added right after it.
 *
 * A sum-pooling kernel is not a weight: the quantizer lowers AveragePool to a depthwise
 * ConvInteger with an all-ones kernel (then + area/2, Div area). Made private, its entries
 * would range over -128..127, so the window sum (and its rounding Add) could be negative and
 * the rescale after it no longer compiles; it is part of the architecture, not of what the
 * owner trains, so it stays a circuit constant, bound by the verifying key like any fixed
 * value. The same holds for a user graph's all-ones depthwise kernel.
 */
import type { Graph, Node } from "../onnx/graph.ts";

export interface WeightTensor {
  tensor: string;
  kind: "weight" | "bias";
}

/** True when `node` is a ConvInteger summing each channel's window: group = channels, kernel [C, 1, kH, kW] of ones. */
export function isSumPoolKernel(graph: Graph, node: Node): boolean {
  if (node.opType !== "ConvInteger") return false;
  const w = graph.initializers.get(node.inputs[1]);
  if (!w || w.dims.length !== 4 || w.dims[1] !== 1) return false;
  if (Number(node.attrs.group ?? 1) !== w.dims[0]) return false;
  return Array.prototype.every.call(w.data, (v: number | bigint) => Number(v) === 1);
}

export function weightTensors(graph: Graph): WeightTensor[] {
  const listed = graph.metadata["zkinfer.weights"];
  const kindOf = (t: string): WeightTensor["kind"] => (graph.initializers.get(t)?.dtype === "int8" ? "weight" : "bias");
  let names: string[];
  if (listed) {
    names = listed.split(",").filter((t) => graph.initializers.has(t));
  } else {
    names = [];
    for (const node of graph.nodes) {
      if (node.opType !== "MatMulInteger" && node.opType !== "ConvInteger") continue;
      if (isSumPoolKernel(graph, node)) continue;
      const w = node.inputs[1];
      if (graph.initializers.get(w)?.dtype === "int8") names.push(w);
      const add = graph.nodes.find((n) => n.opType === "Add" && n.inputs[0] === node.outputs[0]);
      const b = add?.inputs[1];
      if (b && graph.initializers.get(b)?.dtype === "int32") names.push(b);
    }
  }
  // A tensor used twice is committed once; int8 weights first, then biases: the order the commitment packs them in.
  const all = [...new Set(names)].map((tensor) => ({ tensor, kind: kindOf(tensor) }));
  return [...all.filter((w) => w.kind === "weight"), ...all.filter((w) => w.kind === "bias")];
}
