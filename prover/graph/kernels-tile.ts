/**
 * Float Expand (bidirectional, numpy-style broadcast to a constant shape) and Tile (repeats
 * per axis from a constant input): both only copy input elements, per axis.
 */
import type { Node } from "../onnx/graph.ts";
import { iota, remap } from "./remap.ts";
import { broadcastDims, constInts, fail, first, type FloatOp, type OpContext, type ValueShape } from "./value.ts";

/** Expand's output dims: the input and the shape input broadcast against each other. */
function expandDims(ins: (ValueShape | undefined)[], ctx: OpContext): number[] {
  const shape = constInts(ins[1], "shape (input 1)", ctx);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) fail(ctx, `shape [${shape}] must hold non-negative dims`);
  return broadcastDims(first(ins, ctx).dims, shape, ctx);
}

export const Expand: FloatOp = {
  opType: "Expand",
  shape: (_n, ins, ctx) => [{ dims: expandDims(ins, ctx), kind: first(ins, ctx).kind }],
  run(_n, ins, ctx) {
    const x = first(ins, ctx);
    const dims = expandDims(ins, ctx);
    // x is read as if it had the output's rank, with 1s in front.
    const lead = dims.length - x.dims.length;
    const xr = { ...x, dims: [...new Array<number>(lead).fill(1), ...x.dims] };
    return [remap(xr, dims.map((d, a) => (xr.dims[a] === 1 ? new Array<number>(d).fill(0) : iota(d))))];
  },
};

function repeatsOf(_n: Node, ins: (ValueShape | undefined)[], ctx: OpContext): number[] {
  if (ctx.opset < 6) fail(ctx, `Tile of opset ${ctx.opset} (tiles and axis inputs) is not supported`);
  const x = first(ins, ctx);
  const reps = constInts(ins[1], "repeats (input 1)", ctx);
  if (reps.length !== x.dims.length) fail(ctx, `repeats [${reps}] must hold one value per axis of dims [${x.dims}]`);
  if (reps.some((r) => !Number.isInteger(r) || r < 0)) fail(ctx, `repeats [${reps}] must be non-negative integers`);
  return reps;
}

export const Tile: FloatOp = {
  opType: "Tile",
  shape: (n, ins, ctx) => [{ dims: repeatsOf(n, ins, ctx).map((r, a) => r * first(ins, ctx).dims[a]), kind: first(ins, ctx).kind }],
  run(n, ins, ctx) {
    const x = first(ins, ctx);
    const reps = repeatsOf(n, ins, ctx);
    return [remap(x, x.dims.map((d, a) => Array.from({ length: d * reps[a] }, (_, o) => o % d)))];
  },
};
