/**
 * Pad: pads (and, opset 11 on, constant_value and axes) as constant inputs, or the pads/value
 * attributes of older opsets. Modes constant, reflect, edge and wrap: every output element is
 * an input element or the pad value. Negative pads crop (constant mode).
 */
import type { Node } from "../onnx/graph.ts";
import { byCoords, fail, normAxis, rewireOp, strides, type Params } from "./rewire.ts";
import { input } from "./operands.ts";

const MODES = ["constant", "reflect", "edge", "wrap"];

function padsOf(node: Node, rank: number, param: Params): number[] {
  const attr = node.attrs.pads;
  const raw = attr !== undefined ? (Array.isArray(attr) ? attr : [attr]).map(Number) : param(1, "pads");
  if (!raw) fail(node, "pads are required");
  const axes = (param(3, "axes") ?? Array.from({ length: rank }, (_, i) => i)).map((a) => normAxis(node, a, rank, "axes: axis"));
  if (raw.length !== 2 * axes.length) fail(node, `pads [${raw}] must have 2 values per axis (${2 * axes.length})`);
  const pads = new Array<number>(2 * rank).fill(0);
  axes.forEach((a, i) => { pads[a] = raw[i]; pads[a + rank] = raw[i + axes.length]; });
  return pads;
}

function fillOf(node: Node, param: Params): number {
  if (node.attrs.value !== undefined) {
    const v = Number(node.attrs.value);
    if (!Number.isInteger(v)) fail(node, `attribute value ${v} is not an integer`);
    return v;
  }
  const c = param(2, "constant_value");
  if (c && c.length !== 1) fail(node, "constant_value must be a scalar");
  return c?.[0] ?? 0;
}

/** Source coordinate along an axis of size d for a shifted coordinate i, or -1 (the pad value). */
function source(mode: string, i: number, d: number): number {
  if (i >= 0 && i < d) return i;
  if (mode === "constant") return -1;
  if (mode === "edge") return i < 0 ? 0 : d - 1;
  if (mode === "wrap") return ((i % d) + d) % d;
  return i < 0 ? -i : 2 * (d - 1) - i; // reflect (pads < d, checked)
}

export const Pad = rewireOp("Pad", (node, ins, param) => {
  const x = input(node, ins, 0), r = x.dims.length;
  const mode = String(node.attrs.mode ?? "constant");
  if (!MODES.includes(mode)) fail(node, `attribute mode "${mode}" is not supported; supported: ${MODES.join(", ")}`);
  const pads = padsOf(node, r, param);
  const fill = fillOf(node, param);
  if (mode !== "constant") {
    x.dims.forEach((d, a) => {
      const [b, e] = [pads[a], pads[a + r]];
      if (b < 0 || e < 0) fail(node, `pads: negative pads are only supported in constant mode, not ${mode}`);
      if ((b || e) && d === 0) fail(node, `pads: axis ${a} is empty, nothing to ${mode}`);
      if (mode === "reflect" && (b >= d || e >= d)) fail(node, `pads: reflect pads [${b}, ${e}] of axis ${a} must be smaller than its size ${d}`);
    });
  }
  const dims = x.dims.map((d, a) => d + pads[a] + pads[a + r]);
  if (dims.some((d) => d < 0)) fail(node, `pads [${pads}] crop more than dims [${x.dims}]`);
  const st = strides(x.dims);
  return [byCoords(dims, (c) => {
    let f = 0;
    for (let a = 0; a < r; a++) {
      const s = source(mode, c[a] - pads[a], x.dims[a]);
      if (s < 0) return -1;
      f += s * st[a];
    }
    return f;
  }, fill)];
});
