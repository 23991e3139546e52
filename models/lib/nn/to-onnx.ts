/**
 * The float ONNX graph (opset 17) of a Net, laid out as torch.onnx.export would write the
 * equivalent nn.Sequential: input "input" [1, C, H, W] for a CNN or [1, N] for a dense net,
 * Conv / Relu / AveragePool / Flatten(axis 1) / Gemm(transB=1) nodes named /layers.i/Op with
 * outputs /layers.i/Op_output_0, initializers layers.i.weight / layers.i.bias, and output
 * "logits" [1, 10]. Weights are rounded to float32.
 */
import type { Graph, Node, Tensor } from "../../../prover/onnx/graph.ts";
import type { Param } from "./layer.ts";
import type { Net } from "./net.ts";

const OP = { conv: "Conv", relu: "Relu", avgpool: "AveragePool", flatten: "Flatten", dense: "Gemm" } as const;

function initializer(p: Param): Tensor {
  return { dtype: "float32", dims: [...p.dims], data: Float32Array.from(p.value) };
}

export function netToOnnx(net: Net, name: string, metadata: Record<string, string> = {}): Graph {
  const initializers = new Map<string, Tensor>();
  const nodes: Node[] = [];
  let cur = "input";
  net.layers.forEach((layer, i) => {
    const op = OP[layer.kind];
    const last = i === net.layers.length - 1;
    const out = last ? "logits" : `/layers.${i}/${op}_output_0`;
    const inputs = [cur];
    for (const p of layer.params) {
      initializers.set(p.name, initializer(p));
      inputs.push(p.name);
    }
    const attrs: Node["attrs"] =
      layer.kind === "conv"
        ? { dilations: [1, 1], group: 1, kernel_shape: layer.params[0].dims.slice(2), pads: [0, 0, 0, 0], strides: [1, 1] }
        : layer.kind === "avgpool"
          ? { ceil_mode: 0, kernel_shape: [2, 2], pads: [0, 0, 0, 0], strides: [2, 2] }
          : layer.kind === "flatten"
            ? { axis: 1 }
            : layer.kind === "dense"
              ? { transB: 1 } // alpha and beta keep their default 1.0
              : {};
    nodes.push({ name: `/layers.${i}/${op}`, opType: op, inputs, outputs: [out], attrs });
    cur = out;
  });
  if (cur !== "logits") throw new Error("a net needs at least one layer");
  return {
    name,
    opset: 17,
    nodes,
    initializers,
    inputs: [{ name: "input", dtype: "float32", dims: [1, ...net.inputShape] }],
    outputs: [{ name: "logits", dtype: "float32", dims: [1, net.outSize] }],
    metadata,
  };
}
