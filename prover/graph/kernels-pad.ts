/**
 * Float Pad in modes constant, reflect, edge and wrap (opset 19). Pads (and the constant value) are attributes
 * before opset 11 and constant inputs from 11 on; opset 18 adds the axes input. A negative pad
 * crops, and reflect/edge then read the cropped tensor, as onnxruntime does.
 */
import type { Node } from "../onnx/graph.ts";
import { remap } from "./remap.ts";
import { constInts, fail, first, floatAttr, intsAttr, normAxis, strAttr, type FloatOp, type OpContext, type ValueShape } from "./value.ts";

const MODES = ["constant", "reflect", "edge", "wrap"];

interface PadPlan {
  maps: number[][];
  value: number;
}

/** Begin and end pads of every axis, from the attribute or the inputs the opset has. */
function padsOf(node: Node, ins: (ValueShape | undefined)[], rank: number, ctx: OpContext): [number[], number[]] {
  let pads: number[], axes: number[];
  if (ctx.opset < 11) {
    if (ctx.opset < 2) fail(ctx, `Pad of opset ${ctx.opset} (the paddings attribute) is not supported`);
    const p = intsAttr(node, "pads");
    if (!p) fail(ctx, "the pads attribute is required before opset 11");
    pads = p;
    axes = Array.from({ length: rank }, (_, i) => i);
  } else {
    if (node.attrs.pads !== undefined) fail(ctx, `the pads attribute is not part of Pad at opset ${ctx.opset}; pads are input 1`);
    pads = constInts(ins[1], "pads (input 1)", ctx);
    if (ins[3] && ctx.opset < 18) fail(ctx, `the axes input needs opset 18 (graph opset ${ctx.opset})`);
    axes = ins[3] ? constInts(ins[3], "axes (input 3)", ctx).map((a) => normAxis(a, rank, ctx)) : Array.from({ length: rank }, (_, i) => i);
  }
  if (new Set(axes).size !== axes.length) fail(ctx, `axes [${axes}] repeat an axis`);
  if (pads.length !== 2 * axes.length) fail(ctx, `pads [${pads}] must hold ${2 * axes.length} values (begin and end of ${axes.length} axes)`);
  const begin = new Array<number>(rank).fill(0), end = new Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    begin[a] = pads[i];
    end[a] = pads[i + axes.length];
  });
  return [begin, end];
}

function plan(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): PadPlan {
  const x = first(ins, ctx);
  const mode = strAttr(node, "mode", "constant");
  if (!MODES.includes(mode)) fail(ctx, `mode ${mode} is not supported (${MODES.join(", ")})`);
  if (mode === "wrap" && ctx.opset < 19) fail(ctx, `mode wrap needs opset 19 (graph opset ${ctx.opset})`);
  const [begin, end] = padsOf(node, ins, x.dims.length, ctx);
  let value = 0;
  if (ctx.opset < 11) value = floatAttr(node, "value", 0);
  else if (ins[2]) {
    if (!ins[2].data) fail(ctx, "constant_value (input 2) must be a constant");
    if (ins[2].data.length !== 1) fail(ctx, "constant_value (input 2) must be one value");
    value = ins[2].data[0];
  }
  const maps = x.dims.map((d, a) => {
    // Crop first: the kept input range is [lo, lo + len).
    const lo = Math.max(0, -begin[a]);
    const len = d - lo - Math.max(0, -end[a]);
    const pb = Math.max(0, begin[a]), pe = Math.max(0, end[a]);
    if (len < 0) fail(ctx, `pads ${begin[a]}, ${end[a]} crop more than the ${d} elements of axis ${a}`);
    if (mode !== "constant" && (pb || pe) && len === 0) fail(ctx, `${mode} padding of axis ${a} needs input elements, but it has none`);
    // onnxruntime fills a wrap begin pad longer than the axis with zeros, not the wrapped values.
    if (mode === "wrap" && pb > len) fail(ctx, `wrap begin pad ${pb} must not exceed the ${len} elements of axis ${a}`);
    if (mode === "reflect" && (pb >= len || pe >= len)) fail(ctx, `reflect pads ${pb}, ${pe} must be less than the ${len} elements of axis ${a}`);
    return Array.from({ length: pb + len + pe }, (_, o) => {
      const j = o - pb;
      if (j >= 0 && j < len) return lo + j;
      if (mode === "constant") return -1;
      if (mode === "edge") return lo + Math.min(len - 1, Math.max(0, j));
      if (mode === "wrap") return lo + (((j % len) + len) % len);
      return lo + (j < 0 ? -j : 2 * (len - 1) - j);
    });
  });
  return { maps, value };
}

export const Pad: FloatOp = {
  opType: "Pad",
  shape: (node, ins, ctx) => [{ dims: plan(node, ins, ctx).maps.map((m) => m.length), kind: first(ins, ctx).kind }],
  run(node, ins, ctx) {
    const { maps, value } = plan(node, ins, ctx);
    return [remap(first(ins, ctx), maps, value)];
  },
};
