/**
 * Split along one axis: sizes from the constant input `split` (opset 13 on) or the attribute
 * (before), else `num_outputs` (opset 18: the last part may be smaller), else equal parts.
 */
import { byCoords, fail, normAxis, rewireOp, strides } from "./rewire.ts";
import { input } from "./operands.ts";

export const Split = rewireOp("Split", (node, ins, param) => {
  const x = input(node, ins, 0);
  const axis = normAxis(node, Number(node.attrs.axis ?? 0), x.dims.length, "attribute axis");
  const d = x.dims[axis], n = node.outputs.length;
  const attr = node.attrs.split;
  let parts = attr !== undefined ? (Array.isArray(attr) ? attr : [attr]).map(Number) : param(1, "split");
  if (!parts) {
    const k = node.attrs.num_outputs === undefined ? n : Number(node.attrs.num_outputs);
    if (k !== n) fail(node, `attribute num_outputs ${k} differs from the ${n} outputs`);
    const chunk = node.attrs.num_outputs === undefined ? d / n : Math.ceil(d / n);
    if (!Number.isInteger(chunk)) fail(node, `axis ${axis} of size ${d} does not split into ${n} equal parts`);
    parts = Array.from({ length: n }, (_, i) => (i < n - 1 ? chunk : d - chunk * (n - 1)));
    if (parts[n - 1] <= 0) fail(node, `attribute num_outputs ${n}: axis ${axis} of size ${d} leaves an empty last part`);
  }
  if (parts.length !== n) fail(node, `split [${parts}] has ${parts.length} sizes for ${n} outputs`);
  if (parts.some((p) => p < 0) || parts.reduce((a, b) => a + b, 0) !== d) fail(node, `split [${parts}] does not sum to ${d}, the size of axis ${axis}`);
  const st = strides(x.dims);
  let offset = 0;
  return parts.map((p) => {
    const at = offset;
    offset += p;
    const dims = x.dims.map((v, i) => (i === axis ? p : v));
    return byCoords(dims, (c) => c.reduce((f, v, i) => f + (i === axis ? v + at : v) * st[i], 0));
  });
});
