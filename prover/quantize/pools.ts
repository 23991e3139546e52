/**
 * Pools and reductions on int8 activations. Max-like ops (MaxPool, GlobalMaxPool, ReduceMax)
 * commute with the monotone requant, so they run on the int8 values as they are; ArgMax reads
 * any value. Means (AveragePool, GlobalAveragePool, ReduceMean) sum the window in int32
 * (ConvInteger with a ones kernel, one group per channel, or MatMulInteger with a ones column)
 * and divide by the count with rounding:
 *   never negative:  (sum + n/2) / n                       → Cast          (Div truncates = floor)
 *   signed:          (sum + n/2 + 128 n) / n → Sub 128     → Cast int8     (= floor((sum + n/2) / n))
 * the offset keeping every dividend non-negative, so the truncating Div rounds half up exactly.
 * A count that is not a power of two costs a range-checked remainder in the circuit. ReduceSum
 * keeps the int32 sum at the input's scale.
 */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import { tensor } from "../onnx/graph.ts";
import { window2d } from "../graph/window.ts";
import { actBound, type QTensor, type QuantizeContext } from "./context.ts";

export const POOL_OPS: readonly string[] = ["MaxPool", "GlobalMaxPool", "ReduceMax", "ArgMax", "AveragePool", "GlobalAveragePool", "ReduceMean", "ReduceSum"];

function axesOf(ctx: QuantizeContext, node: Node, rank: number, where: string): number[] {
  let axes = node.attrs.axes as number[] | undefined;
  if (node.inputs[1]) {
    const t = ctx.float.initializers.get(node.inputs[1]);
    if (!t) throw new ProverError(`${where}: axes must be a constant`);
    axes = Array.from(t.data as ArrayLike<number | bigint>, Number);
  }
  if (!axes || axes.length === 0) {
    if (node.attrs.noop_with_empty_axes === 1) throw new ProverError(`${where}: noop_with_empty_axes with no axes (an identity) is not supported`);
    return Array.from({ length: rank }, (_, k) => k);
  }
  return [...new Set(axes.map((a) => (a < 0 ? a + rank : a)))].sort((a, b) => a - b);
}

function set(ctx: QuantizeContext, out: string, v: Omit<QTensor, "name" | "float" | "dims">): void {
  ctx.q.set(out, { ...v, name: out, float: out, dims: ctx.dimsOf(out) });
}

/** (sum + n/2) / n as int8/uint8 at x's scale, written to `out` (see the file comment). */
function roundedMean(ctx: QuantizeContext, sum: string, n: number, x: QTensor, out: string, p: string, reshapeTo?: number[]): void {
  const nonneg = x.unsigned || x.nonneg;
  const half = Math.floor(n / 2) + (nonneg ? 0 : 128 * n);
  ctx.i32(`${p}.half`, half);
  ctx.i32(`${p}.area`, n);
  ctx.emit("Add", [sum, `${p}.half`], `${p}.sr`, {}, `${p}.round`);
  ctx.emit("Div", [`${p}.sr`, `${p}.area`], `${p}.m`, {}, `${p}.mean`);
  let m = `${p}.m`;
  if (!nonneg) m = ctx.emit("Sub", [m, ctx.i32(ctx.fresh(`${p}.zero`), 128)], ctx.fresh(`${p}.ms`));
  const dtype = x.unsigned ? 2 : 3;
  if (reshapeTo) {
    const c = ctx.emit("Cast", [m], ctx.fresh(`${p}.mc`), { to: dtype }, `${p}.cast`);
    reshape(ctx, c, reshapeTo, out, p);
  } else ctx.emit("Cast", [m], out, { to: dtype }, `${p}.cast`);
  set(ctx, out, { shift: x.shift, kind: "act", unsigned: x.unsigned, nonneg: x.nonneg, bound: actBound(x) });
}

function reshape(ctx: QuantizeContext, x: string, dims: number[], out: string, p: string): string {
  const shape = ctx.fresh(`${p}.shape`);
  ctx.inits.set(shape, tensor("int64", [dims.length], BigInt64Array.from(dims, BigInt)));
  return ctx.emit("Reshape", [x, shape], out, {}, ctx.fresh(`${p}.reshape`));
}

/** Window sums over the spatial axes of [1, C, H, W] by a ones kernel: returns the int32 sum and the window size. */
function windowSum(ctx: QuantizeContext, x: QTensor, p: string, kernel: [number, number], strides: [number, number], pads: number[], dilations?: number[]): { sum: string; n: number } {
  const C = x.dims[1];
  const n = kernel[0] * kernel[1];
  ctx.inits.set(`${p}.ones`, { dtype: "int8", dims: [C, 1, ...kernel], data: new Int8Array(C * n).fill(1) });
  const attrs: Node["attrs"] = { group: C, kernel_shape: kernel, strides };
  if (pads.some((v) => v !== 0)) attrs.pads = pads;
  if (dilations && dilations.some((d) => d !== 1)) attrs.dilations = dilations;
  return { sum: ctx.emit("ConvInteger", [x.name, `${p}.ones`], `${p}.s`, attrs, `${p}.sum`), n };
}

/** Sums over `axes` of any rank: Transpose the axes last, Reshape [M, K], MatMulInteger by a ones column. */
function axisSum(ctx: QuantizeContext, x: QTensor, axes: number[], p: string): { sum: string; n: number } {
  const kept = x.dims.map((_, k) => k).filter((k) => !axes.includes(k));
  const perm = [...kept, ...axes];
  let name = x.name;
  if (perm.some((a, k) => a !== k)) name = ctx.emit("Transpose", [name], ctx.fresh(`${p}.t`), { perm }, ctx.fresh(`${p}.transpose`));
  const M = kept.reduce((a, k) => a * x.dims[k], 1), K = axes.reduce((a, k) => a * x.dims[k], 1);
  name = reshape(ctx, name, [M, K], ctx.fresh(`${p}.mk`), p);
  ctx.inits.set(`${p}.ones`, { dtype: "int8", dims: [K, 1], data: new Int8Array(K).fill(1) });
  return { sum: ctx.emit("MatMulInteger", [name, `${p}.ones`], `${p}.s`, {}, `${p}.sum`), n: K };
}

function mean(ctx: QuantizeContext, node: Node, where: string, x: QTensor): void {
  const out = node.outputs[0];
  const p = node.name;
  const outDims = ctx.dimsOf(out);
  const rank = x.dims.length;
  let axes: number[];
  if (node.opType === "AveragePool") {
    if (rank !== 4) throw new ProverError(`${where}: only 2-D average pooling is supported (input dims [${x.dims}])`);
    const win = window2d(node, x.dims, node.attrs.kernel_shape as number[], { opset: 17, where });
    const pads = [...win.begin, ...win.end];
    if (pads.some((v) => v !== 0) && node.attrs.count_include_pad !== 1) {
      throw new ProverError(`${where}: padded average pooling divides by a count that varies with the position (count_include_pad=0); export with count_include_pad=1 or without pads`);
    }
    for (let k = 0; k < 2; k++) {
      if ((win.outSize[k] - 1) * win.strides[k] + (win.kernel[k] - 1) * win.dilations[k] + 1 > win.inSize[k] + win.begin[k] + win.end[k]) {
        throw new ProverError(`${where}: a ceil_mode window overhangs the input, so its count differs; export with ceil_mode=0`);
      }
    }
    const { sum, n } = windowSum(ctx, x, p, win.kernel, win.strides, pads, win.dilations);
    return roundedMean(ctx, sum, n, x, out, p);
  }
  axes = node.opType === "GlobalAveragePool" ? x.dims.map((_, k) => k).slice(2) : axesOf(ctx, node, rank, where);
  if (rank === 4 && axes.length === 2 && axes[0] === 2 && axes[1] === 3) {
    const { sum, n } = windowSum(ctx, x, p, [x.dims[2], x.dims[3]], [1, 1], [0, 0, 0, 0]);
    const same = outDims.length === 4;
    if (node.opType === "ReduceSum") return sumOut(ctx, sum, x, out, p, n, same ? undefined : outDims);
    return roundedMean(ctx, sum, n, x, out, p, same ? undefined : outDims);
  }
  const { sum, n } = axisSum(ctx, x, axes, p);
  if (node.opType === "ReduceSum") return sumOut(ctx, sum, x, out, p, n, outDims);
  roundedMean(ctx, sum, n, x, out, p, outDims);
}

function sumOut(ctx: QuantizeContext, sum: string, x: QTensor, out: string, p: string, n: number, reshapeTo?: number[]): void {
  if (reshapeTo) reshape(ctx, sum, reshapeTo, out, p);
  else ctx.emit("Identity", [sum], out, {}, ctx.fresh(`${p}.out`));
  set(ctx, out, { shift: x.shift, kind: "acc", bound: n * actBound(x), nonneg: x.nonneg || x.unsigned });
}

export function quantizePool(ctx: QuantizeContext, node: Node, where: string): void {
  const out = node.outputs[0];
  const v = ctx.get(node, where);
  if (node.opType === "ArgMax") {
    const attrs: Node["attrs"] = {};
    for (const k of ["axis", "keepdims", "select_last_index"]) if (node.attrs[k] !== undefined) attrs[k] = node.attrs[k];
    ctx.emit("ArgMax", [v.name], out, attrs, node.name);
    ctx.q.set(out, { name: out, float: out, shift: 0, kind: "index", dims: ctx.dimsOf(out), bound: 0 });
    return;
  }
  const x = ctx.toAct(v, where);
  const like = { shift: x.shift, kind: "act" as const, unsigned: x.unsigned, nonneg: x.nonneg, bound: actBound(x) };
  switch (node.opType) {
    case "MaxPool":
      ctx.emit("MaxPool", [x.name], out, node.attrs, node.name);
      return set(ctx, out, like);
    case "GlobalMaxPool":
      ctx.emit("ReduceMax", [x.name], out, { axes: x.dims.map((_, k) => k).slice(2), keepdims: 1 }, node.name);
      return set(ctx, out, like);
    case "ReduceMax":
      ctx.emit("ReduceMax", [x.name], out, { axes: axesOf(ctx, node, x.dims.length, where), keepdims: Number(node.attrs.keepdims ?? 1) }, node.name);
      return set(ctx, out, like);
    default:
      return mean(ctx, node, where, x);
  }
}
