/**
 * Float Split: one output per part along an axis. The part lengths come from the split
 * attribute (before opset 13) or the constant split input (13 on); without them, from
 * num_outputs (opset 18, which requires one of the two: parts of ceil(n / num_outputs), the
 * last smaller) or, before 18, an even split over the node's outputs.
 */
import type { Node } from "../onnx/graph.ts";
import { constInts, fail, first, intAttr, intsAttr, normAxis, size, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

/** The axis and the length of each part along it. */
function parts(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): { axis: number; lens: number[] } {
  const x = first(ins, ctx);
  const axis = normAxis(intAttr(node, "axis", 0), x.dims.length, ctx);
  const n = x.dims[axis];
  const count = node.outputs.length;
  let lens: number[] | undefined;
  if (ctx.opset < 13) {
    if (ins[1]) fail(ctx, `the split input needs opset 13 (graph opset ${ctx.opset}); before it, split is an attribute`);
    lens = intsAttr(node, "split");
  } else {
    if (node.attrs.split !== undefined) fail(ctx, `the split attribute is not part of Split at opset ${ctx.opset}; split is input 1`);
    if (ins[1] && ins[1].dims[0] !== 0) lens = constInts(ins[1], "split (input 1)", ctx);
  }
  const numOutputs = node.attrs.num_outputs;
  if (numOutputs !== undefined) {
    if (ctx.opset < 18) fail(ctx, `the num_outputs attribute needs opset 18 (graph opset ${ctx.opset})`);
    if (lens) fail(ctx, "num_outputs and the split input are exclusive");
    const k = intAttr(node, "num_outputs", 0);
    if (k !== count) fail(ctx, `num_outputs ${k} differs from the node's ${count} outputs`);
    const part = Math.ceil(n / k);
    lens = Array.from({ length: k }, (_, i) => (i < k - 1 ? part : n - part * (k - 1)));
    // onnxruntime refuses an empty last part too (4 into 3: 2, 2, 0).
    if (lens[k - 1] <= 0) fail(ctx, `axis ${axis} of length ${n} cannot be split into ${k} parts of ${part}, the last one non-empty`);
  }
  if (!lens) {
    if (ctx.opset >= 18) fail(ctx, `at opset ${ctx.opset}, either the split input or the num_outputs attribute is required`);
    if (n % count !== 0) fail(ctx, `axis ${axis} of length ${n} does not split evenly into ${count} outputs`);
    lens = new Array<number>(count).fill(n / count);
  }
  if (lens.length !== count) fail(ctx, `split [${lens}] has ${lens.length} parts for ${count} outputs`);
  if (lens.some((l) => l < 0) || lens.reduce((a, b) => a + b, 0) !== n) fail(ctx, `split [${lens}] does not add up to the length ${n} of axis ${axis}`);
  return { axis, lens };
}

export const Split: FloatOp = {
  opType: "Split",
  shape(node, ins, ctx) {
    const x = first(ins, ctx);
    const { axis, lens } = parts(node, ins, ctx);
    return lens.map((l) => ({ dims: x.dims.map((d, a) => (a === axis ? l : d)), kind: x.kind }));
  },
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    const { axis, lens } = parts(node, ins, ctx);
    const outer = size(x.dims.slice(0, axis)), inner = size(x.dims.slice(axis + 1)), n = x.dims[axis];
    let at = 0;
    return lens.map((l): FloatValue => {
      const dims = x.dims.map((d, a) => (a === axis ? l : d));
      const out = new Float64Array(size(dims));
      for (let o = 0; o < outer; o++) out.set(x.data.subarray((o * n + at) * inner, (o * n + at + l) * inner), o * l * inner);
      at += l;
      return { dims, data: out, kind: x.kind };
    });
  },
};
