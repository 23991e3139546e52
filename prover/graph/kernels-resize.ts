/**
 * Float Resize in nearest mode (what nn.Upsample(mode="nearest") and Keras' UpSampling2D
 * export), opset 11 on: output dims from the constant `sizes`, or floor(in * scales); each
 * output coordinate maps back to an input coordinate by coordinate_transformation_mode and is
 * rounded by nearest_mode, clamped to the input. Linear and cubic modes are refused, and so is
 * tf_half_pixel_for_nearest, which onnxruntime no longer runs.
 */
import type { Node } from "../onnx/graph.ts";
import { constInts, fail, first, size, strAttr, type FloatOp, type OpContext, type ValueShape } from "./value.ts";

/** Coordinates are computed in float32, as onnxruntime does. */
const f = Math.fround;

interface Plan {
  dims: number[];
  scales: number[];
}

function plan(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): Plan {
  const x = first(ins, ctx);
  if (ctx.opset < 11) fail(ctx, `Resize before opset 11 is not supported (graph opset ${ctx.opset})`);
  const mode = strAttr(node, "mode", "nearest");
  if (mode !== "nearest") fail(ctx, `mode ${mode} is not supported (only nearest)`);
  if (node.attrs.axes !== undefined) fail(ctx, "the axes attribute is not supported");
  const r = x.dims.length;
  const scalesIn = ins[2], sizesIn = ins[3];
  if (sizesIn && sizesIn.dims[0] !== 0) {
    const dims = constInts(sizesIn, "sizes (input 3)", ctx);
    if (dims.length !== r) fail(ctx, `sizes [${dims}] do not match the input rank ${r}`);
    return { dims, scales: dims.map((d, i) => f(d / x.dims[i])) };
  }
  if (!scalesIn || scalesIn.dims[0] === 0) fail(ctx, "either scales (input 2) or sizes (input 3) is required");
  if (!scalesIn.data) fail(ctx, "scales (input 2) must be a constant");
  const scales = Array.from(scalesIn.data, f);
  if (scales.length !== r || scales.some((s) => !(s > 0))) fail(ctx, `scales [${scales}] must be ${r} positive values`);
  return { dims: x.dims.map((d, i) => Math.floor(d * scales[i])), scales };
}

/**
 * The input coordinate (before rounding) of output coordinate `o` along one axis, in float32
 * as onnxruntime computes it: (1 + 0.5) / 0.6 - 0.5 is 1.9999999 there, which floors to 1.
 */
function sourceCoord(mode: string, o: number, scale: number, inLen: number, outLen: number, ctx: OpContext): number {
  switch (mode) {
    case "half_pixel": return f(f(f(o + 0.5) / scale) - 0.5);
    case "pytorch_half_pixel": return outLen > 1 ? f(f(f(o + 0.5) / scale) - 0.5) : 0;
    case "align_corners": return outLen > 1 ? f(f(o * (inLen - 1)) / (outLen - 1)) : 0;
    case "asymmetric": return f(o / scale);
    default: fail(ctx, `coordinate_transformation_mode ${mode} is not supported`);
  }
}

function rounder(mode: string, ctx: OpContext): (v: number) => number {
  switch (mode) {
    case "round_prefer_floor": return (v) => (v === Math.floor(v) + 0.5 ? Math.floor(v) : Math.round(v));
    case "round_prefer_ceil": return (v) => Math.round(v);
    case "floor": return Math.floor;
    case "ceil": return Math.ceil;
    default: fail(ctx, `nearest_mode ${mode} is not supported`);
  }
}

export const Resize: FloatOp = {
  opType: "Resize",
  shape: (node, ins, ctx) => [{ dims: plan(node, ins, ctx).dims, kind: first(ins, ctx).kind }],
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    const { dims, scales } = plan(node, ins, ctx);
    const coord = strAttr(node, "coordinate_transformation_mode", "half_pixel");
    const round = rounder(strAttr(node, "nearest_mode", "round_prefer_floor"), ctx);
    // Per axis, the input index each output index reads.
    // onnxruntime copies the input when the output has its shape, whatever the scales.
    const same = dims.every((d, a) => d === x.dims[a]);
    const maps = dims.map((len, a) => Array.from({ length: len }, (_, o) =>
      same ? o : Math.min(x.dims[a] - 1, Math.max(0, round(sourceCoord(coord, o, scales[a], x.dims[a], len, ctx))))));
    const inStrides = x.dims.map((_, i) => size(x.dims.slice(i + 1)));
    const out = new Float64Array(size(dims));
    for (let o = 0; o < out.length; o++) {
      let rem = o, src = 0;
      for (let a = dims.length - 1; a >= 0; a--) {
        src += maps[a][rem % dims[a]] * inStrides[a];
        rem = Math.floor(rem / dims[a]);
      }
      out[o] = x.data[src];
    }
    return [{ dims, data: out, kind: x.kind }];
  },
};
