/** Checks on an op's operands shared by the op modules, with errors naming node and input. */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import type { SymTensor } from "../lowering/lowering.ts";
import type { IntTensor } from "./types.ts";
import { nodeRef } from "./tensor-util.ts";

export function input<T>(node: Node, inputs: (T | undefined)[], i: number): T {
  const t = inputs[i];
  if (t === undefined) throw new ProverError(`${nodeRef(node)}: input ${i} (${node.inputs[i] ?? "missing"}) is not available`);
  return t;
}

export function constOperand(node: Node, inputs: (SymTensor | undefined)[], i: number): IntTensor {
  const t = input(node, inputs, i);
  if (t.kind !== "const") {
    throw new ProverError(`${nodeRef(node)}: input ${i} (${node.inputs[i]}) must be a constant (weights are fixed in the circuit)`);
  }
  return t;
}

/**
 * An optional zero point (input i of MatMulInteger / ConvInteger), which the circuit supports
 * only as a constant: one computed at run time would change every product.
 */
export function constZeroPoint(node: Node, inputs: (SymTensor | undefined)[], i: number): IntTensor | undefined {
  if (!node.inputs[i]) return undefined;
  const t = input(node, inputs, i);
  if (t.kind !== "const") {
    throw new ProverError(`${nodeRef(node)}: zero point (input ${i}, ${node.inputs[i]}) must be a constant; one computed at run time is not supported`);
  }
  return t;
}

/** onnxruntime rejects an operand whose type differs from the input's (no implicit promotion). */
export function sameType(node: Node, x: { dtype: string }, t: { dtype: string } | undefined, what: string): void {
  if (t && t.dtype !== x.dtype) throw new ProverError(`${nodeRef(node)}: ${what} is ${t.dtype}, the input ${x.dtype}`);
}

export function scalarOf(node: Node, t: IntTensor | undefined, what: string): number | null {
  if (t === undefined) return null;
  if (t.data.length !== 1) throw new ProverError(`${nodeRef(node)}: ${what} must be a scalar, got dims [${t.dims}]`);
  return t.data[0];
}
