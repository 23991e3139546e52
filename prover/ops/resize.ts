/**
 * Resize and Upsample in mode nearest: each output element copies one input element, chosen
 * as onnxruntime's CPU kernel chooses it (float32 coordinate arithmetic, then the nearest_mode
 * rounding, clamped to the input). Which form of the op a node is comes from its inputs:
 * Upsample (scales attribute before opset 9, input 1 after), Resize with two inputs (opset 10:
 * asymmetric coordinates, truncation) or with roi/scales/sizes (opset 11 on, all attributes).
 */
import type { Node } from "../onnx/graph.ts";
import { byCoords, fail, normAxis, rewireOp, strides, type Params } from "./rewire.ts";
import { input } from "./operands.ts";

const f = Math.fround;
const COORDS = ["half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn"];
const NEAREST = ["round_prefer_floor", "round_prefer_ceil", "floor", "ceil"];
type Coord = (x: number, scale: number, lenOut: number, lenIn: number) => number;

const COORD: Record<string, Coord> = {
  asymmetric: (x, s) => f(x / s),
  half_pixel: (x, s) => f(f(f(x + 0.5) / s) - 0.5),
  pytorch_half_pixel: (x, s, lo) => (lo > 1 ? f(f(f(x + 0.5) / s) - 0.5) : 0),
  tf_half_pixel_for_nn: (x, s) => f(f(x + 0.5) / s),
  align_corners: (x, _s, lo, li) => (lo === 1 ? 0 : f(f(x * (li - 1)) / (lo - 1))),
};

/** C's round(): halves away from zero. */
const roundAway = (v: number) => Math.sign(v) * Math.round(Math.abs(v));

const NEAREST_OF: Record<string, (v: number, down: boolean) => number> = {
  simple: (v, down) => (down ? Math.ceil(v) : Math.trunc(v)),
  round_prefer_floor: (v) => (v === Math.trunc(v) + 0.5 ? Math.floor(v) : roundAway(v)),
  round_prefer_ceil: roundAway,
  floor: Math.floor,
  ceil: Math.ceil,
};

function str(node: Node, name: string, dflt: string, allowed: string[]): string {
  const v = String(node.attrs[name] ?? dflt);
  if (!allowed.includes(v)) fail(node, `attribute ${name} "${v}" is not supported; supported: ${allowed.join(", ")}`);
  return v;
}

interface Geometry { dims: number[]; scales: number[] }

/** Output dims and per-axis float32 scales, from scales or sizes (opset 18: only on `axes`, with a keep_aspect_ratio_policy). */
function geometry(node: Node, inDims: number[], scalesIn: number[] | undefined, sizesIn: number[] | undefined): Geometry {
  const r = inDims.length;
  const axesAttr = node.attrs.axes;
  const axes = axesAttr === undefined ? inDims.map((_, i) => i) : (Array.isArray(axesAttr) ? axesAttr : [axesAttr]).map((a) => {
    // onnxruntime 1.30 silently ignores a negative axis with a keep_aspect_ratio_policy: refused rather than guessed
    if (Number(a) < 0) fail(node, `attribute axes: negative axis ${a} is not supported; give it as ${Number(a) + r}`);
    return normAxis(node, Number(a), r, "attribute axes: axis");
  });
  const full = (vals: number[], what: string, dflt: (i: number) => number) => {
    if (vals.length !== axes.length) fail(node, `${what} has ${vals.length} values for ${axes.length} axes`);
    const out = inDims.map((_, i) => dflt(i));
    axes.forEach((a, k) => { out[a] = vals[k]; });
    return out;
  };
  if (scalesIn?.length && sizesIn?.length) fail(node, "scales and sizes are both given; give one");
  if (scalesIn?.length) {
    const scales = full(scalesIn.map(f), "scales", () => 1);
    if (scales.some((s) => !(s > 0))) fail(node, `scales [${scalesIn}] must be positive`);
    return { scales, dims: inDims.map((d, i) => Math.trunc(f(scales[i] * d))) };
  }
  if (!sizesIn?.length) fail(node, "needs scales or sizes");
  const sizes = full(sizesIn, "sizes", (i) => inDims[i]);
  if (sizes.some((s) => s <= 0)) fail(node, `sizes [${sizesIn}] must be positive`);
  const policy = str(node, "keep_aspect_ratio_policy", "stretch", ["stretch", "not_larger", "not_smaller"]);
  if (policy === "stretch") return { dims: sizes, scales: sizes.map((s, i) => f(s / inDims[i])) };
  const ratios = axes.map((a) => f(sizes[a] / inDims[a]));
  const s = policy === "not_larger" ? Math.min(...ratios) : Math.max(...ratios);
  return {
    scales: inDims.map((_, i) => (axes.includes(i) ? s : 1)),
    dims: inDims.map((d, i) => (axes.includes(i) ? roundAway(f(s * d)) : d)),
  };
}

function plan(node: Node, inDims: number[], g: Geometry, coord: Coord, nearest: (v: number, down: boolean) => number) {
  if (g.dims.some((d) => d <= 0)) fail(node, `output dims [${g.dims}] would be empty`);
  // onnxruntime copies the input when the output has its shape, whatever the scales (1.1 on a
  // length of 2 still gives 2) and the mode; otherwise an axis at scale 1 maps one to one.
  const same = g.dims.every((d, a) => d === inDims[a]);
  const maps = inDims.map((li, a) => Array.from({ length: g.dims[a] }, (_, o) => {
    if (same || g.scales[a] === 1) return o;
    const v = nearest(coord(o, g.scales[a], g.dims[a], li), g.scales[a] < 1);
    return Math.min(li - 1, Math.max(0, v));
  }));
  const st = strides(inDims);
  return [byCoords(g.dims, (c) => c.reduce((s, v, a) => s + maps[a][v] * st[a], 0))];
}

function checkMode(node: Node): void {
  str(node, "mode", "nearest", ["nearest"]);
  if (Number(node.attrs.exclude_outside ?? 0) !== 0) fail(node, "attribute exclude_outside is only for cubic mode");
}

export const Resize = rewireOp("Resize", (node, ins, param: Params) => {
  const x = input(node, ins, 0);
  checkMode(node);
  if (node.inputs.length <= 2) {
    // opset 10: X, scales; asymmetric coordinates, truncation (ceil when shrinking)
    return plan(node, x.dims, geometry(node, x.dims, param(1, "scales"), undefined), COORD.asymmetric, NEAREST_OF.simple);
  }
  const coord = str(node, "coordinate_transformation_mode", "half_pixel", COORDS);
  const nearest = str(node, "nearest_mode", "round_prefer_floor", NEAREST);
  return plan(node, x.dims, geometry(node, x.dims, param(2, "scales"), param(3, "sizes")), COORD[coord], NEAREST_OF[nearest]);
});

export const Upsample = rewireOp("Upsample", (node, ins, param: Params) => {
  const x = input(node, ins, 0);
  checkMode(node);
  const attr = node.attrs.scales;
  const scales = attr !== undefined ? (Array.isArray(attr) ? attr : [attr]).map(Number) : param(1, "scales");
  if (!scales || scales.length !== x.dims.length) fail(node, `scales must have one value per axis (${x.dims.length})`);
  if (scales.some((s) => s < 1)) fail(node, `scales [${scales}] must be at least 1`);
  return plan(node, x.dims, geometry(node, x.dims, scales, undefined), COORD.asymmetric, NEAREST_OF.simple);
});
