/**
 * Float Resize in nearest mode (what nn.Upsample(mode="nearest") and Keras' UpSampling2D
 * export), opset 11 on: output dims from the constant `sizes`, or floor(in * scales); each
 * output coordinate maps back to an input coordinate by coordinate_transformation_mode and is
 * rounded by nearest_mode, clamped to the input. Linear and cubic modes are refused, and so is
 * tf_half_pixel_for_nearest, which onnxruntime no longer runs. Upsample (opsets 7-9, scales as
 * an attribute then an input) and Resize of opset 10 are the same nearest lookup with the
 * coordinate o / scale, truncated (rounded up when the axis shrinks): their only form.
 */
import type { Node } from "../onnx/graph.ts";
import { remap } from "./remap.ts";
import { constInts, fail, first, strAttr, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

/** Coordinates are computed in float32, as onnxruntime does. */
const f = Math.fround;

interface Plan {
  dims: number[];
  scales: number[];
}

/** Dims and scales of Upsample (7-9) and Resize (10): floor(in * scale), scales given per axis. */
function legacyPlan(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): Plan {
  const x = first(ins, ctx);
  const mode = strAttr(node, "mode", "nearest");
  if (mode !== "nearest") fail(ctx, `mode ${mode} is not supported (only nearest)`);
  const upsample = node.opType === "Upsample";
  if (upsample && (ctx.opset < 7 || ctx.opset > 9)) fail(ctx, `Upsample of opset ${ctx.opset} is not supported (opsets 7 to 9; Resize replaces it)`);
  let raw: number[] | undefined;
  if (upsample && ctx.opset < 9) {
    const a = node.attrs.scales;
    raw = Array.isArray(a) ? a : undefined;
    if (!raw) fail(ctx, `the scales attribute is required at opset ${ctx.opset}`);
  } else {
    if (!ins[1]?.data) fail(ctx, "scales (input 1) must be a constant");
    raw = Array.from(ins[1].data);
  }
  const scales = raw.map(f);
  if (scales.length !== x.dims.length || scales.some((v) => !(v > 0))) fail(ctx, `scales [${scales}] must be ${x.dims.length} positive values`);
  if (upsample && scales.some((v) => v < 1)) fail(ctx, `scales [${scales}] must be at least 1 (Upsample only enlarges)`);
  return { dims: x.dims.map((d, i) => Math.floor(d * scales[i])), scales };
}

function plan(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): Plan {
  const x = first(ins, ctx);
  if (node.opType === "Upsample" || ctx.opset < 11) return legacyPlan(node, ins, ctx);
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

/** The legacy nearest rule: truncate o / scale, or round it up on a shrinking axis. */
const legacySource = (o: number, scale: number) => (scale < 1 ? Math.ceil(f(o / scale)) : Math.trunc(f(o / scale)));

function nearest(node: Node, ins: (FloatValue | undefined)[], ctx: OpContext): FloatValue {
  const x = first(ins, ctx);
  const { dims, scales } = plan(node, ins, ctx);
  const legacy = node.opType === "Upsample" || ctx.opset < 11;
  const coord = strAttr(node, "coordinate_transformation_mode", "half_pixel");
  const round = legacy ? Math.trunc : rounder(strAttr(node, "nearest_mode", "round_prefer_floor"), ctx);
  const source = (o: number, a: number, len: number) =>
    legacy ? legacySource(o, scales[a]) : round(sourceCoord(coord, o, scales[a], x.dims[a], len, ctx));
  // Per axis, the input index each output index reads.
  // onnxruntime copies the input when the output has its shape, whatever the scales.
  const same = dims.every((d, a) => d === x.dims[a]);
  const maps = dims.map((len, a) => Array.from({ length: len }, (_, o) =>
    same ? o : Math.min(x.dims[a] - 1, Math.max(0, source(o, a, len)))));
  return remap(x, maps);
}

const nearestOp = (opType: string): FloatOp => ({
  opType,
  shape: (node, ins, ctx) => [{ dims: plan(node, ins, ctx).dims, kind: first(ins, ctx).kind }],
  run: (node, ins, ctx) => [nearest(node, ins, ctx)],
});

export const Resize = nearestOp("Resize");
export const Upsample = nearestOp("Upsample");
