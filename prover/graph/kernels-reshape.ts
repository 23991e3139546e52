/**
 * Kernels that only move values around: Flatten and Reshape (canonical), and the shape-tensor
 * ops exporters wrap them in (Shape, Unsqueeze, Squeeze, Transpose), which the simplifier
 * evaluates at compile time.
 */
import type { Node } from "../onnx/graph.ts";
import { constInts, fail, first, intAttr, intsAttr, normAxis, size, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

/** Reshape's target dims: 0 copies the input dim (unless allowzero=1), one -1 takes the rest. */
export function reshapeDims(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): number[] {
  const x = first(ins, ctx);
  const target = constInts(ins[1], "shape (input 1)", ctx);
  const allowZero = intAttr(node, "allowzero", 0) === 1;
  const dims = target.map((d, i) => (d === 0 && !allowZero ? x.dims[i] : d));
  if (dims.some((d) => d === undefined || d < -1)) fail(ctx, `shape [${target}] is invalid for input dims [${x.dims}]`);
  const free = dims.filter((d) => d === -1).length;
  const known = size(dims.filter((d) => d !== -1));
  const total = size(x.dims);
  if (free > 1) fail(ctx, `shape [${target}] has more than one -1`);
  if (free === 1) {
    if (known === 0 || total % known !== 0) fail(ctx, `shape [${target}] cannot take ${total} values`);
    return dims.map((d) => (d === -1 ? total / known : d));
  }
  if (known !== total) fail(ctx, `shape [${target}] cannot take ${total} values of input dims [${x.dims}]`);
  return dims;
}

const view = (dims: (n: Node, ins: (ValueShape | undefined)[], c: OpContext) => number[]) =>
  ({
    shape: (n: Node, ins: (ValueShape | undefined)[], c: OpContext): ValueShape[] => [{ dims: dims(n, ins, c), kind: first(ins, c).kind }],
    run: (n: Node, ins: (FloatValue | undefined)[], c: OpContext): FloatValue[] => {
      const x = first(ins, c);
      return [{ dims: dims(n, ins, c), data: x.data, kind: x.kind }];
    },
  });

export const Reshape: FloatOp = { opType: "Reshape", ...view(reshapeDims) };

export const Flatten: FloatOp = {
  opType: "Flatten",
  ...view((n, ins, c) => {
    const x = first(ins, c);
    const raw = intAttr(n, "axis", 1);
    // axis may equal the rank (everything in the first dim).
    const axis = raw === x.dims.length ? raw : normAxis(raw, x.dims.length, c);
    return [size(x.dims.slice(0, axis)), size(x.dims.slice(axis))];
  }),
};

/** Axes from the attribute (older opsets) or from a constant input (opset 13 on). */
function axesOf(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): number[] | undefined {
  return intsAttr(node, "axes") ?? (ins[1] ? constInts(ins[1], "axes (input 1)", ctx) : undefined);
}

export const Unsqueeze: FloatOp = {
  opType: "Unsqueeze",
  ...view((n, ins, c) => {
    const x = first(ins, c);
    const axes = axesOf(n, ins, c);
    if (!axes) fail(c, "axes are required");
    const rank = x.dims.length + axes.length;
    const at = new Set(axes.map((a) => normAxis(a, rank, c)));
    const rest = [...x.dims];
    return Array.from({ length: rank }, (_, i) => (at.has(i) ? 1 : rest.shift()!));
  }),
};

export const Squeeze: FloatOp = {
  opType: "Squeeze",
  ...view((n, ins, c) => {
    const x = first(ins, c);
    const axes = axesOf(n, ins, c)?.map((a) => normAxis(a, x.dims.length, c));
    for (const a of axes ?? []) if (x.dims[a] !== 1) fail(c, `cannot squeeze axis ${a} of dims [${x.dims}]`);
    return x.dims.filter((d, i) => (axes ? !axes.includes(i) : d !== 1));
  }),
};

export const Shape: FloatOp = {
  opType: "Shape",
  run(node, ins, ctx) {
    const r = first(ins, ctx).dims.length;
    const clamp = (v: number) => Math.min(r, Math.max(0, v < 0 ? v + r : v));
    const dims = first(ins, ctx).dims.slice(clamp(intAttr(node, "start", 0)), clamp(intAttr(node, "end", r)));
    return [{ dims: [dims.length], data: Float64Array.from(dims), kind: "int" }];
  },
};

function transposePerm(node: Node, x: ValueShape, ctx: OpContext): number[] {
  const r = x.dims.length;
  const perm = intsAttr(node, "perm") ?? Array.from({ length: r }, (_, i) => r - 1 - i);
  if ([...perm].sort().some((p, i) => p !== i) || perm.length !== r) fail(ctx, `perm [${perm}] is invalid for rank ${r}`);
  return perm;
}

export const Transpose: FloatOp = {
  opType: "Transpose",
  shape: (node, ins, ctx) => {
    const x = first(ins, ctx);
    return [{ dims: transposePerm(node, x, ctx).map((p) => x.dims[p]), kind: x.kind }];
  },
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    const r = x.dims.length;
    const perm = transposePerm(node, x, ctx);
    const dims = perm.map((p) => x.dims[p]);
    const inStrides = x.dims.map((_, i) => size(x.dims.slice(i + 1)));
    const out = new Float64Array(x.data.length);
    for (let o = 0; o < out.length; o++) {
      let rem = o, src = 0;
      for (let d = r - 1; d >= 0; d--) {
        src += (rem % dims[d]) * inStrides[perm[d]];
        rem = Math.floor(rem / dims[d]);
      }
      out[o] = x.data[src];
    }
    return [{ dims, data: out, kind: x.kind }];
  },
};
