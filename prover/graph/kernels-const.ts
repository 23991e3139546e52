/**
 * Constant, Gather, Concat, Cast and Slice: the rest of the shape arithmetic exporters emit
 * (PyTorch's `x.view(x.size(0), -1)` is Shape → Gather → Unsqueeze → Concat → Reshape). They
 * are evaluated at compile time only, on constants.
 */
import type { Node } from "../onnx/graph.ts";
import { constInts, fail, first, fromTensor, intAttr, intsAttr, normAxis, size, type FloatOp, type FloatValue, type Kind, type OpContext, type ValueShape } from "./value.ts";

export const Constant: FloatOp = {
  opType: "Constant",
  run(node, _ins, ctx): FloatValue[] {
    const a = node.attrs;
    const v = a.value;
    if (v !== undefined && typeof v === "object" && !Array.isArray(v)) return [fromTensor(v)];
    const list = (x: number[], kind: Kind): FloatValue[] => [{ dims: [x.length], data: Float64Array.from(x), kind }];
    const one = (x: number, kind: Kind): FloatValue[] => [{ dims: [], data: Float64Array.of(x), kind }];
    if (typeof a.value_float === "number") return one(a.value_float, "float");
    if (typeof a.value_int === "number") return one(a.value_int, "int");
    if (Array.isArray(a.value_floats)) return list(a.value_floats, "float");
    if (Array.isArray(a.value_ints)) return list(a.value_ints, "int");
    fail(ctx, "only value, value_float(s) and value_int(s) constants are supported");
  },
};

/** Index arithmetic for Gather/Concat: the product of dims before and after `axis`. */
const around = (dims: number[], axis: number) => [size(dims.slice(0, axis)), size(dims.slice(axis + 1))];

export const Gather: FloatOp = {
  opType: "Gather",
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    const idx = ins[1];
    if (!idx) fail(ctx, "indices (input 1) are missing");
    const axis = normAxis(intAttr(node, "axis", 0), x.dims.length, ctx);
    const n = x.dims[axis], [outer, inner] = around(x.dims, axis);
    const dims = [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)];
    const out = new Float64Array(size(dims));
    let o = 0;
    for (let a = 0; a < outer; a++) {
      for (const raw of idx.data) {
        const i = raw < 0 ? raw + n : raw;
        if (i < 0 || i >= n) fail(ctx, `index ${raw} is out of range for dim ${n}`);
        out.set(x.data.subarray((a * n + i) * inner, (a * n + i + 1) * inner), o);
        o += inner;
      }
    }
    return [{ dims, data: out, kind: x.kind }];
  },
};

/** Concat's axis and output dims; every input must match the first off the axis. */
function concatDims(node: Node, parts: ValueShape[], ctx: OpContext): { axis: number; dims: number[] } {
  const x = first(parts, ctx);
  const axis = normAxis(intAttr(node, "axis", 0), x.dims.length, ctx);
  for (const p of parts) {
    if (p.dims.length !== x.dims.length || p.dims.some((d, i) => i !== axis && d !== x.dims[i])) {
      fail(ctx, `inputs of dims [${x.dims}] and [${p.dims}] cannot be concatenated on axis ${axis}`);
    }
  }
  const dims = [...x.dims];
  dims[axis] = parts.reduce((s, p) => s + p.dims[axis], 0);
  return { axis, dims };
}

export const Concat: FloatOp = {
  opType: "Concat",
  shape(node, ins, ctx) {
    const parts = ins.filter((t): t is ValueShape => t !== undefined);
    return [{ dims: concatDims(node, parts, ctx).dims, kind: first(parts, ctx).kind }];
  },
  run(node, ins, ctx) {
    const parts = ins.filter((t): t is FloatValue => t !== undefined);
    const x = first(parts, ctx);
    const { axis, dims } = concatDims(node, parts, ctx);
    const [outer] = around(x.dims, axis);
    const out = new Float64Array(size(dims));
    let o = 0;
    for (let a = 0; a < outer; a++) {
      for (const p of parts) {
        const block = p.data.length / outer;
        out.set(p.data.subarray(a * block, (a + 1) * block), o);
        o += block;
      }
    }
    return [{ dims, data: out, kind: x.kind }];
  },
};

const FLOAT_TYPES = new Set([1, 10, 11, 16]);

export const Cast: FloatOp = {
  opType: "Cast",
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    const to = intAttr(node, "to", 0);
    if (FLOAT_TYPES.has(to)) return [{ dims: x.dims, data: x.data, kind: "float" }];
    // bool (9) is x != 0; the integer types truncate toward zero.
    const data = to === 9 ? x.data.map((v) => (v !== 0 ? 1 : 0)) : x.data.map(Math.trunc);
    return [{ dims: x.dims, data, kind: "int" }];
  },
};

/** Start and element count along one axis, with ONNX's clamping of out-of-range bounds. */
function sliceAxis(dim: number, start: number, end: number, step: number): [number, number] {
  const norm = (v: number) => (v < 0 ? v + dim : v);
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const s = step > 0 ? clamp(norm(start), 0, dim) : clamp(norm(start), 0, dim - 1);
  const e = step > 0 ? clamp(norm(end), 0, dim) : clamp(norm(end), -1, dim - 1);
  return [s, Math.max(0, Math.ceil((e - s) / step))];
}

export const Slice: FloatOp = {
  opType: "Slice",
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    const legacy = ctx.opset < 10;
    const starts = legacy ? intsAttr(node, "starts") ?? [] : constInts(ins[1], "starts", ctx);
    const ends = legacy ? intsAttr(node, "ends") ?? [] : constInts(ins[2], "ends", ctx);
    const axes = (legacy ? intsAttr(node, "axes") : ins[3] && constInts(ins[3], "axes", ctx)) ?? starts.map((_, i) => i);
    const steps = (!legacy && ins[4] && constInts(ins[4], "steps", ctx)) || starts.map(() => 1);
    const start = x.dims.map(() => 0), step = x.dims.map(() => 1), dims = [...x.dims];
    axes.forEach((raw, i) => {
      const a = normAxis(raw, x.dims.length, ctx);
      if (steps[i] === 0) fail(ctx, "step 0 is invalid");
      [start[a], dims[a]] = sliceAxis(x.dims[a], starts[i], ends[i], steps[i]);
      step[a] = steps[i];
    });
    const out = new Float64Array(size(dims));
    const inStrides = x.dims.map((_, i) => size(x.dims.slice(i + 1)));
    for (let o = 0; o < out.length; o++) {
      let rem = o, src = 0;
      for (let d = dims.length - 1; d >= 0; d--) {
        src += (start[d] + (rem % dims[d]) * step[d]) * inStrides[d];
        rem = Math.floor(rem / dims[d]);
      }
      out[o] = x.data[src];
    }
    return [{ dims, data: out, kind: x.kind }];
  },
};
