/**
 * Which initializers are the model's weights (for the hashed-weights mode): the quantizer
 * lists them in the graph's metadata ("zkinfer.weights"); for other integer graphs, the int8
 * weight operand of each MatMulInteger / ConvInteger and the int32 constant added right after it.
 */
import type { Graph } from "../onnx/graph.ts";

export interface WeightTensor {
  tensor: string;
  kind: "weight" | "bias";
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
      const w = node.inputs[1];
      if (graph.initializers.get(w)?.dtype === "int8") names.push(w);
      const add = graph.nodes.find((n) => n.opType === "Add" && n.inputs[0] === node.outputs[0]);
      const b = add?.inputs[1];
      if (b && graph.initializers.get(b)?.dtype === "int32") names.push(b);
    }
  }
  // int8 weights first, then biases: the order the commitment packs them in.
  const all = names.map((tensor) => ({ tensor, kind: kindOf(tensor) }));
  return [...all.filter((w) => w.kind === "weight"), ...all.filter((w) => w.kind === "bias")];
}
