/**
 * Constant, ConstantOfShape, Gather, Concat, Cast and Slice: the rest of the shape arithmetic exporters emit
 * (PyTorch's `x.view(x.size(0), -1)` is Shape → Gather → Unsqueeze → Concat → Reshape).
 * Gather, Concat and Slice also select from run-time tensors: their shape inference then needs
 * only the input dims and the constant indices, bounds or axes.
 */
import type { Node } from "../onnx/graph.ts";
import { iota, remap } from "./remap.ts";
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

/** A tensor of the constant dims in input 0, filled with the one value of the `value` attribute (float 0 by default). */
export const ConstantOfShape: FloatOp = {
  opType: "ConstantOfShape",
  run(node, ins, ctx): FloatValue[] {
    const dims = constInts(ins[0], "shape (input 0)", ctx);
    if (dims.some((d) => !Number.isInteger(d) || d < 0)) fail(ctx, `shape [${dims}] must hold non-negative dims`);
    const v = node.attrs.value;
    if (v !== undefined && (typeof v !== "object" || Array.isArray(v) || v.data.length !== 1)) fail(ctx, "the value attribute must be a tensor of one element");
    const fill = v === undefined ? { data: Float64Array.of(0), kind: "float" as Kind } : fromTensor(v);
    return [{ dims, data: new Float64Array(size(dims)).fill(fill.data[0]), kind: fill.kind }];
  },
};

/** Index arithmetic for Gather/Concat: the product of dims before and after `axis`. */
const around = (dims: number[], axis: number) => [size(dims.slice(0, axis)), size(dims.slice(axis + 1))];

/** Gather's axis and output dims; the indices, when known, must lie within the axis. */
function gatherDims(node: Node, x: ValueShape, idx: ValueShape | undefined, ctx: OpContext): { axis: number; dims: number[] } {
  if (!idx) fail(ctx, "indices (input 1) are missing");
  const axis = normAxis(intAttr(node, "axis", 0), x.dims.length, ctx);
  const n = x.dims[axis];
  for (const i of idx.data ?? []) if (!Number.isInteger(i) || i < -n || i >= n) fail(ctx, `index ${i} is out of range for dim ${n}`);
  return { axis, dims: [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)] };
}

export const Gather: FloatOp = {
  opType: "Gather",
  shape(node, ins, ctx) {
    const x = first(ins, ctx);
    // Run-time indices would make the selection data-dependent: not a rewiring.
    if (ins[1] && !ins[1].data) fail(ctx, "indices (input 1) must be a constant (an initializer or computable at compile time)");
    return [{ dims: gatherDims(node, x, ins[1], ctx).dims, kind: x.kind }];
  },
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    const idx = ins[1];
    const { axis, dims } = gatherDims(node, x, idx, ctx);
    const n = x.dims[axis], [outer, inner] = around(x.dims, axis);
    const out = new Float64Array(size(dims));
    let o = 0;
    for (let a = 0; a < outer; a++) {
      for (const raw of idx!.data) {
        const i = raw < 0 ? raw + n : raw;
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

const castKind = (node: Node): Kind => (FLOAT_TYPES.has(intAttr(node, "to", 0)) ? "float" : "int");

export const Cast: FloatOp = {
  opType: "Cast",
  shape: (node, ins, ctx) => [{ dims: first(ins, ctx).dims, kind: castKind(node) }],
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

/** Per axis, the input index each output index reads. */
function sliceMaps(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): number[][] {
  const x = first(ins, ctx);
  const legacy = ctx.opset < 10;
  const starts = legacy ? intsAttr(node, "starts") ?? [] : constInts(ins[1], "starts (input 1)", ctx);
  const ends = legacy ? intsAttr(node, "ends") ?? [] : constInts(ins[2], "ends (input 2)", ctx);
  const axes = (legacy ? intsAttr(node, "axes") : ins[3] && constInts(ins[3], "axes (input 3)", ctx)) ?? starts.map((_, i) => i);
  const steps = (!legacy && ins[4] && constInts(ins[4], "steps (input 4)", ctx)) || starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    fail(ctx, `starts [${starts}], ends [${ends}], axes [${axes}] and steps [${steps}] must have one value per sliced axis`);
  }
  const maps = x.dims.map(iota);
  const seen = new Set<number>();
  axes.forEach((raw, i) => {
    const a = normAxis(raw, x.dims.length, ctx);
    if (seen.has(a)) fail(ctx, `axes [${axes}] repeat axis ${a}`);
    seen.add(a);
    if (steps[i] === 0) fail(ctx, "step 0 is invalid");
    const [s, n] = sliceAxis(x.dims[a], starts[i], ends[i], steps[i]);
    maps[a] = Array.from({ length: n }, (_, k) => s + k * steps[i]);
  });
  return maps;
}

export const Slice: FloatOp = {
  opType: "Slice",
  shape: (node, ins, ctx) => [{ dims: sliceMaps(node, ins, ctx).map((m) => m.length), kind: first(ins, ctx).kind }],
  run: (node, ins, ctx) => [remap(first(ins, ctx), sliceMaps(node, ins, ctx))],
};
