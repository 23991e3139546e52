/**
 * Clip of integers: min and max are optional scalar inputs (opset >= 12). The min/max
 * attributes of opsets < 11 apply to float tensors only, and from opset 11 on onnxruntime
 * rejects them, so an integer Clip carrying them is refused rather than given a meaning.
 */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import type { OpModule, IntTensor } from "./types.ts";
import { constOperand, input, sameType, scalarOf } from "./operands.ts";
import { evaluateSpec, lowerSpec } from "./requant.ts";
import { nodeRef } from "./tensor-util.ts";

function bounds(node: Node, lo: IntTensor | undefined, hi: IntTensor | undefined) {
  if (node.attrs.min !== undefined || node.attrs.max !== undefined) {
    throw new ProverError(`${nodeRef(node)}: min/max attributes are not supported on integers; give the bounds as inputs (opset >= 12)`);
  }
  return { lo: scalarOf(node, lo, "min"), hi: scalarOf(node, hi, "max") };
}

export const Clip: OpModule = {
  opType: "Clip",
  cost: "n·(B+5); n·(B+2) where the maximum never binds (B = bits of the input bounds)",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    return [evaluateSpec(x, { relu: false, shift: 0, ...bounds(node, inputs[1], inputs[2]) }, x.dtype)];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    const lo = node.inputs[1] ? constOperand(node, inputs, 1) : undefined;
    const hi = node.inputs[2] ? constOperand(node, inputs, 2) : undefined;
    sameType(node, x, lo, "min");
    sameType(node, x, hi, "max");
    return [lowerSpec(node, x, { relu: false, shift: 0, ...bounds(node, lo, hi) }, x.dtype, ctx)];
  },
};
