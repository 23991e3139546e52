/** Reshape and Flatten: only the dims change (row-major order is kept), so no constraints. */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import type { SymTensor } from "../lowering/lowering.ts";
import type { IntTensor, OpModule } from "./types.ts";
import { constOperand, input } from "./operands.ts";
import { nodeRef, size } from "./tensor-util.ts";

export function reshapeDims(node: Node, dims: number[], shape: number[]): number[] {
  const out = shape.map((d, i) => (d === 0 && !node.attrs.allowzero ? dims[i] : d));
  const known = out.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const unknown = out.filter((d) => d === -1).length;
  if (unknown > 1) throw new ProverError(`${nodeRef(node)}: more than one -1 in shape [${shape}]`);
  if (unknown === 1) out[out.indexOf(-1)] = size(dims) / known;
  if (size(out) !== size(dims) || out.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ProverError(`${nodeRef(node)}: cannot reshape [${dims}] to [${shape}]`);
  }
  return out;
}

export function flattenDims(node: Node, dims: number[]): number[] {
  const axis = Number(node.attrs.axis ?? 1);
  const a = axis < 0 ? axis + dims.length : axis;
  return [size(dims.slice(0, a)), size(dims.slice(a))];
}

function withDims<T extends IntTensor | SymTensor>(t: T, dims: number[]): T {
  return { ...t, dims };
}

export const Reshape: OpModule = {
  opType: "Reshape",
  cost: "0",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0), s = input(node, inputs, 1);
    return [withDims(x, reshapeDims(node, x.dims, s.data))];
  },
  lower(node, inputs) {
    const x = input(node, inputs, 0), s = constOperand(node, inputs, 1);
    return [withDims(x, reshapeDims(node, x.dims, s.data))];
  },
};

export const Flatten: OpModule = {
  opType: "Flatten",
  cost: "0",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    return [withDims(x, flattenDims(node, x.dims))];
  },
  lower(node, inputs) {
    const x = input(node, inputs, 0);
    return [withDims(x, flattenDims(node, x.dims))];
  },
};
