/**
 * Float ReduceMax, ReduceMin, ReduceMean, ReduceSum and ArgMax/ArgMin. The reduce ops take
 * their axes from an attribute, or from a constant input where the opset moved them there
 * (ReduceSum at 13, the others at 18, which also brought noop_with_empty_axes to them).
 */
import type { Node } from "../onnx/graph.ts";
import { constInts, fail, first, intAttr, intsAttr, normAxis, size, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

interface Reduction {
  /** Axes reduced, ascending; null: the input passes through (noop_with_empty_axes). */
  axes: number[] | null;
  dims: number[];
}

function reduction(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): Reduction {
  const x = first(ins, ctx);
  const r = x.dims.length;
  const asInput = ctx.opset >= (node.opType === "ReduceSum" ? 13 : 18);
  let raw: number[] | undefined;
  if (asInput) {
    if (node.attrs.axes !== undefined) fail(ctx, `the axes attribute is not part of ${node.opType} at opset ${ctx.opset}; axes are input 1`);
    if (ins[1]) raw = constInts(ins[1], "axes (input 1)", ctx);
  } else {
    if (ins[1]) fail(ctx, `the axes input needs a later opset (graph opset ${ctx.opset}); here axes are an attribute`);
    raw = intsAttr(node, "axes");
  }
  if (!raw || raw.length === 0) {
    if (asInput && intAttr(node, "noop_with_empty_axes", 0) === 1) return { axes: null, dims: x.dims };
    raw = Array.from({ length: r }, (_, i) => i);
  }
  const axes = [...new Set(raw.map((a) => normAxis(a, r, ctx)))].sort((a, b) => a - b);
  if (axes.length !== raw.length) fail(ctx, `axes [${raw}] repeat an axis`);
  const keep = intAttr(node, "keepdims", 1) === 1;
  const dims = keep ? x.dims.map((d, i) => (axes.includes(i) ? 1 : d)) : x.dims.filter((_, i) => !axes.includes(i));
  return { axes, dims };
}

/** Each output starts from the first element of its group, then folds the rest in with `f`. */
function reduce(opType: string, f: (acc: number, v: number) => number, mean = false): FloatOp {
  return {
    opType,
    shape(node, ins, ctx) {
      return [{ dims: reduction(node, ins, ctx).dims, kind: first(ins, ctx).kind }];
    },
    run(node, ins, ctx): FloatValue[] {
      const x = first(ins, ctx);
      const { axes, dims } = reduction(node, ins, ctx);
      if (!axes) return [x];
      // Output stride of each input axis, 0 along the reduced ones.
      const strides = new Array<number>(x.dims.length).fill(0);
      let s = 1;
      for (let a = x.dims.length - 1; a >= 0; a--) {
        if (axes.includes(a)) continue;
        strides[a] = s;
        s *= x.dims[a];
      }
      const out = new Float64Array(size(dims));
      const started = new Uint8Array(out.length);
      const idx = new Array<number>(x.dims.length).fill(0);
      let o = 0;
      for (let i = 0; i < x.data.length; i++) {
        out[o] = started[o] ? f(out[o], x.data[i]) : x.data[i];
        started[o] = 1;
        for (let a = x.dims.length - 1; a >= 0; a--) {
          o += strides[a];
          if (++idx[a] < x.dims[a]) break;
          o -= strides[a] * x.dims[a];
          idx[a] = 0;
        }
      }
      if (mean) {
        const count = size(axes.map((a) => x.dims[a]));
        for (let k = 0; k < out.length; k++) out[k] /= count;
      }
      return [{ dims, data: out, kind: x.kind }];
    },
  };
}

// As in onnxruntime, a NaN wins ReduceMax/ReduceMin only as the first element of its group.
export const ReduceMax = reduce("ReduceMax", (a, v) => (v > a ? v : a));
export const ReduceMin = reduce("ReduceMin", (a, v) => (v < a ? v : a));
export const ReduceSum = reduce("ReduceSum", (a, v) => a + v);
export const ReduceMean = reduce("ReduceMean", (a, v) => a + v, true);

function argDims(node: Node, x: ValueShape, ctx: OpContext): { axis: number; dims: number[] } {
  const axis = normAxis(intAttr(node, "axis", 0), x.dims.length, ctx);
  if (node.attrs.select_last_index !== undefined && ctx.opset < 12) fail(ctx, `select_last_index needs opset 12 (graph opset ${ctx.opset})`);
  const keep = intAttr(node, "keepdims", 1) === 1;
  return { axis, dims: keep ? x.dims.map((d, i) => (i === axis ? 1 : d)) : x.dims.filter((_, i) => i !== axis) };
}

/** The index of the largest (ArgMax) or smallest (ArgMin) value along `axis`; ties go to the first unless select_last_index=1. */
function arg(opType: string, better: (v: number, best: number) => boolean): FloatOp {
  return {
    opType,
    shape: (node, ins, ctx) => [{ dims: argDims(node, first(ins, ctx), ctx).dims, kind: "int" }],
    run(node, ins, ctx): FloatValue[] {
      const x = first(ins, ctx);
      const { axis, dims } = argDims(node, x, ctx);
      const last = intAttr(node, "select_last_index", 0) === 1;
      const n = x.dims[axis], outer = size(x.dims.slice(0, axis)), inner = size(x.dims.slice(axis + 1));
      const out = new Float64Array(outer * inner);
      for (let a = 0; a < outer; a++) {
        for (let b = 0; b < inner; b++) {
          let best = 0;
          for (let k = 1; k < n; k++) {
            const v = x.data[(a * n + k) * inner + b], w = x.data[(a * n + best) * inner + b];
            if (better(v, w) || (last && v === w)) best = k;
          }
          out[a * inner + b] = best;
        }
      }
      return [{ dims, data: out, kind: "int" }];
    },
  };
}

export const ArgMax = arg("ArgMax", (v, best) => v > best);
export const ArgMin = arg("ArgMin", (v, best) => v < best);
