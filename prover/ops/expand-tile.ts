/** Expand (numpy broadcasting to a constant shape) and Tile (constant repeats): copies of wires. */
import { byCoords, fail, rewireOp, strides } from "./rewire.ts";
import { input } from "./operands.ts";
import { broadcastDims, broadcastIndex, size } from "./tensor-util.ts";

export const Expand = rewireOp("Expand", (node, ins, param) => {
  const x = input(node, ins, 0);
  const shape = param(1, "shape");
  if (!shape) fail(node, "input 1 (shape) is required");
  if (shape.some((d) => d < 0)) fail(node, `shape [${shape}] has a negative dim`);
  const dims = broadcastDims(x.dims, shape, node);
  return [{ dims, src: Array.from({ length: size(dims) }, (_, i) => broadcastIndex(i, dims, x.dims)) }];
});

export const Tile = rewireOp("Tile", (node, ins, param) => {
  const x = input(node, ins, 0);
  const reps = param(1, "repeats");
  if (!reps || reps.length !== x.dims.length) fail(node, `input 1 (repeats) must have one value per axis (${x.dims.length})`);
  if (reps.some((r) => r < 0)) fail(node, `repeats [${reps}] has a negative value`);
  const st = strides(x.dims);
  return [byCoords(x.dims.map((d, i) => d * reps[i]), (c) => c.reduce((f, v, i) => f + (v % x.dims[i]) * st[i], 0))];
});
