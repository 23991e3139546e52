/**
 * Slice: starts, ends, axes and steps as constant inputs (opset 10 on) or attributes (opset
 * 1-9, no steps). Negative values count from the end; out-of-range ones are clamped and a
 * negative step walks backwards, as the ONNX spec (and onnxruntime) define.
 */
import type { Node } from "../onnx/graph.ts";
import { byCoords, fail, normAxis, rewireOp, strides, type Params } from "./rewire.ts";
import { input } from "./operands.ts";

function listOf(node: Node, param: Params, name: string, i: number): number[] | undefined {
  const attr = node.attrs[name];
  if (attr !== undefined) return (Array.isArray(attr) ? attr : [attr]).map(Number);
  return param(i, name);
}

/** First index and step count along one axis of size d. */
export function sliceRange(start: number, end: number, step: number, d: number): { first: number; count: number } {
  const s0 = start < 0 ? start + d : start, e0 = end < 0 ? end + d : end;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const s = step > 0 ? clamp(s0, 0, d) : clamp(s0, 0, d - 1);
  const e = step > 0 ? clamp(e0, 0, d) : clamp(e0, -1, d - 1);
  return { first: s, count: Math.max(0, Math.ceil((e - s) / step)) };
}

export const Slice = rewireOp("Slice", (node, ins, param) => {
  const x = input(node, ins, 0), r = x.dims.length;
  const starts = listOf(node, param, "starts", 1), ends = listOf(node, param, "ends", 2);
  if (!starts || !ends) fail(node, "starts and ends are required");
  if (starts.length !== ends.length) fail(node, `starts has ${starts.length} values, ends ${ends.length}`);
  const axes = (listOf(node, param, "axes", 3) ?? starts.map((_, i) => i)).map((a) => normAxis(node, a, r, "axes: axis"));
  const steps = param(4, "steps") ?? starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length) fail(node, `axes/steps must have one value per start (${starts.length})`);
  if (new Set(axes).size !== axes.length) fail(node, `axes [${axes}] repeat an axis`);
  const first = x.dims.map(() => 0), step = x.dims.map(() => 1), dims = [...x.dims];
  axes.forEach((a, i) => {
    if (steps[i] === 0) fail(node, `steps: step of axis ${a} is 0`);
    const g = sliceRange(starts[i], ends[i], steps[i], x.dims[a]);
    first[a] = g.first;
    step[a] = steps[i];
    dims[a] = g.count;
  });
  const st = strides(x.dims);
  return [byCoords(dims, (c) => c.reduce((f, v, d) => f + (first[d] + v * step[d]) * st[d], 0))];
});
