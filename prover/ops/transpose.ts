/** Identity and Transpose: a permutation of the wires, no constraint. */
import type { Node } from "../onnx/graph.ts";
import { byCoords, fail, rewireOp, strides, type Shape } from "./rewire.ts";
import { input } from "./operands.ts";
import { size } from "./tensor-util.ts";

export const Identity = rewireOp("Identity", (node, ins) => {
  const x = input(node, ins, 0);
  return [{ dims: x.dims, src: Array.from({ length: size(x.dims) }, (_, i) => i) }];
});

/** perm: a permutation of 0..rank-1; default the reversed axes. */
export function permOf(node: Node, rank: number): number[] {
  const raw = node.attrs.perm;
  if (raw === undefined) return Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const perm = (Array.isArray(raw) ? raw : [raw]).map(Number);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== rank || sorted.some((p, i) => p !== i)) fail(node, `attribute perm [${perm}] is not a permutation of the ${rank} axes`);
  return perm;
}

export const Transpose = rewireOp("Transpose", (node, ins) => {
  const x = input(node, ins, 0) as Shape;
  const perm = permOf(node, x.dims.length);
  const st = strides(x.dims);
  return [byCoords(perm.map((p) => x.dims[p]), (c) => c.reduce((f, v, d) => f + v * st[perm[d]], 0))];
});
