/** Clip with min/max as inputs (opset >= 11) or attributes (older opsets). */
import type { Node } from "../onnx/graph.ts";
import type { OpModule, IntTensor } from "./types.ts";
import { constOperand, input, scalarOf } from "./operands.ts";
import { evaluateSpec, lowerSpec } from "./requant.ts";

function bounds(node: Node, lo: IntTensor | undefined, hi: IntTensor | undefined) {
  return {
    lo: scalarOf(node, lo, "min") ?? (node.attrs.min as number | undefined) ?? null,
    hi: scalarOf(node, hi, "max") ?? (node.attrs.max as number | undefined) ?? null,
  };
}

export const Clip: OpModule = {
  opType: "Clip",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    return [evaluateSpec(x, { relu: false, shift: 0, ...bounds(node, inputs[1], inputs[2]) }, x.dtype)];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    const lo = node.inputs[1] ? constOperand(node, inputs, 1) : undefined;
    const hi = node.inputs[2] ? constOperand(node, inputs, 2) : undefined;
    return [lowerSpec(node, x, { relu: false, shift: 0, ...bounds(node, lo, hi) }, x.dtype, ctx)];
  },
};
