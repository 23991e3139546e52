/**
 * Squeeze and Unsqueeze: only the dims change. Axes come from the `axes` attribute (before
 * opset 13) or from a constant input 1 (opset 13 on); negative axes count from the end.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, normAxis, rewireOp, type Params } from "./rewire.ts";
import { input } from "./operands.ts";
import { size } from "./tensor-util.ts";

function axesOf(node: Node, param: Params): number[] | undefined {
  const attr = node.attrs.axes;
  const fromInput = param(1, "axes");
  if (attr !== undefined && fromInput) fail(node, "axes are given both as attribute and as input 1");
  if (attr === undefined) return fromInput;
  return (Array.isArray(attr) ? attr : [attr]).map(Number);
}

const same = (dims: number[]) => ({ dims, src: Array.from({ length: size(dims) }, (_, i) => i) });

export const Squeeze = rewireOp("Squeeze", (node, ins, param) => {
  const x = input(node, ins, 0);
  const axes = axesOf(node, param)?.map((a) => normAxis(node, a, x.dims.length, "axes: axis"));
  if (axes && new Set(axes).size !== axes.length) fail(node, `axes [${axes}] repeat an axis`);
  for (const a of axes ?? []) if (x.dims[a] !== 1) fail(node, `axes: cannot squeeze axis ${a} of dims [${x.dims}] (size ${x.dims[a]}, not 1)`);
  return [same(x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1)))];
});

export const Unsqueeze = rewireOp("Unsqueeze", (node, ins, param) => {
  const x = input(node, ins, 0);
  const raw = axesOf(node, param);
  if (!raw) fail(node, "axes are required (attribute axes, or input 1 from opset 13)");
  const rank = x.dims.length + raw.length;
  const axes = raw.map((a) => normAxis(node, a, rank, "axes: axis"));
  if (new Set(axes).size !== axes.length) fail(node, `axes [${raw}] repeat an axis`);
  const rest = [...x.dims];
  return [same(Array.from({ length: rank }, (_, i) => (axes.includes(i) ? 1 : rest.shift()!)))];
});
