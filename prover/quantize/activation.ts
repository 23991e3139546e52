/**
 * A univariate activation f, in integer ONNX:
 *   acc (int32, scale 2^sa) + h + 128 * 2^k (in the bias of the layer before, or an Add)
 *   → Relu → Div 2^k → Clip [0, 255] → Cast uint8        u = q + 128
 *   → Cast int32 → Gather(table)                          int8 at scale 2^sOut
 * where q = clamp(round(acc / 2^k), -128, 127) is the signed int8 value at scale 2^sIn,
 * k = sa - sIn, h = 2^(k-1) (half, for rounding). The offset 128 * 2^k makes every in-range
 * value non-negative, so onnxruntime's truncating Div is a floor and round-half-up is exact,
 * and an accumulator below the range goes negative, is zeroed by the Relu and lands on u = 0
 * (q = -128), as the clamp wants. This is the same Relu → Div → Clip → Cast chain as a Relu
 * layer: one bit decomposition in the circuit (the fused zkinfer.Requant), no new op. An int8
 * activation input (after a pool, a Concat, another table) is first cast to int32 at its scale.
 * The table is in offset order: table[u] = clamp(round(f((u - 128) / 2^sIn) * 2^sOut), -128, 127).
 */
import type { Node } from "../onnx/graph.ts";
import { ProverError } from "../errors.ts";
import { preluFunction, univariateFunction } from "../graph/univariate.ts";
import { shiftFor } from "./scales.ts";
import type { QTensor, QuantizeContext } from "./context.ts";

export interface ActivationLayer {
  inShift: number;
  outShift: number;
  rescale: number;
}

/** f(v) at scale 2^sOut in int8; out of f's domain (Log of 0, Sqrt of -1) saturates by sign, NaN is 0. */
function tableEntry(f: (v: number) => number, sOut: number): (v: number) => number {
  return (v) => {
    const y = f(v);
    return Number.isNaN(y) ? 0 : Math.max(-128, Math.min(127, Math.round(y * 2 ** sOut)));
  };
}

/**
 * PRelu with a slope per channel (or any constant slope tensor): one 256-entry table per
 * distinct slope, concatenated; each element's index is offset by 256 times its table's number
 * (a constant Add, free), so each lookup still ranges over 256 entries.
 */
function slopeTables(ctx: QuantizeContext, node: Node, where: string, dims: number[]): { fns: ((v: number) => number)[]; ids: Int32Array } {
  const t = ctx.float.initializers.get(node.inputs[1]);
  if (!t) throw new ProverError(`${where}: the PRelu slope must be a constant`);
  const n = dims.reduce((a, b) => a * b, 1);
  const sd = [...Array(dims.length - t.dims.length).fill(1), ...t.dims];
  if (sd.length !== dims.length || sd.some((d, k) => d !== 1 && d !== dims[k])) throw new ProverError(`${where}: slope dims [${t.dims}] do not broadcast to [${dims}]`);
  const slopes: number[] = [];
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rem = i, j = 0, stride = 1;
    for (let k = dims.length - 1; k >= 0; k--) {
      const c = rem % dims[k];
      rem = Math.floor(rem / dims[k]);
      if (sd[k] !== 1) j += c * stride;
      stride *= sd[k];
    }
    const v = Number(t.data[j]);
    let id = slopes.indexOf(v);
    if (id < 0) id = slopes.push(v) - 1;
    ids[i] = id;
  }
  return { fns: slopes.map(preluFunction), ids };
}

/** Emits the requant + table for `node` (a Univariate) reading `x`, writing `out`. */
export function activationLayer(ctx: QuantizeContext, node: Node, where: string, x: QTensor, out: string): ActivationLayer {
  const perSlope = node.attrs.fn === "PRelu" && node.inputs[1] ? slopeTables(ctx, node, where, x.dims) : undefined;
  const fns = perSlope?.fns ?? [univariateFunction(node)];
  // The table's output scale: the finest at which f's calibrated range fits int8.
  const sOut = ctx.capped(out, shiftFor(ctx.rangeOf(out), 128));
  const entries = fns.map((f) => tableEntry(f, sOut));
  const p = node.name;
  /** The offset-order table(s) over an int8 index at scale 2^sIn: entry u reads q = u - 128. */
  const offsetTable = (sIn: number) => Int8Array.from({ length: 256 * fns.length }, (_, i) => entries[i >> 8]((i % 256 - 128) / 2 ** sIn));
  /** Index in [0, 255] (offset order) → the table of each element's slope → Gather into `out`. */
  const lookup = (index: string, sIn: number) => {
    ctx.inits.set(`${p}.table`, { dtype: "int8", dims: [256 * fns.length], data: offsetTable(sIn) });
    let i = index;
    if (perSlope) i = ctx.emit("Add", [index, ctx.i32(ctx.fresh(`${p}.tables`), Array.from(perSlope.ids, (id) => 256 * id), x.dims)], ctx.fresh(`${p}.ti`));
    ctx.emit("Gather", [`${p}.table`, i], out, { axis: 0 }, `${p}.lookup`);
  };
  if (x.kind === "act" && !perSlope) {
    // An int8/uint8 value indexes the table as it is (Gather counts a negative index from the end).
    const table = Int8Array.from({ length: 256 }, (_, u) => entries[0]((x.unsigned ? u : u < 128 ? u : u - 256) / 2 ** x.shift));
    ctx.inits.set(`${p}.table`, { dtype: "int8", dims: [256], data: table });
    ctx.emit("Cast", [x.name], `${p}.i`, { to: 6 }, `${p}.index`);
    ctx.emit("Gather", [`${p}.table`, `${p}.i`], out, { axis: 0 }, `${p}.lookup`);
    return { inShift: x.shift, outShift: sOut, rescale: 0 };
  }
  if (x.kind === "act" && !x.unsigned) {
    // Per-slope tables on int8: offset order by a free Add of 128.
    const c = ctx.emit("Cast", [x.name], `${p}.i`, { to: 6 }, `${p}.index`);
    lookup(ctx.emit("Add", [c, ctx.i32(ctx.fresh(`${p}.offset`), 128)], ctx.fresh(`${p}.u`)), x.shift);
    return { inShift: x.shift, outShift: sOut, rescale: 0 };
  }
  let acc = ctx.toAcc(x, x.shift, where);
  const sIn = Math.min(shiftFor(ctx.rangeOf(x.float), 128), acc.shift);
  if (acc.shift === sIn) acc = ctx.toAcc(acc, acc.shift + 1, where); // no Div by 1 (see context.ts)
  // Names as before the quantizer took graphs: committed integer models keep their bytes.
  const offset = (acc.shift - sIn > 0 ? 2 ** (acc.shift - sIn - 1) : 0) + 128 * 2 ** (acc.shift - sIn);
  const xin = ctx.addConstant(acc, offset, x.float, where);
  ctx.i32(`${p}.div`, 2 ** (acc.shift - sIn));
  ctx.i32(`${p}.lo`, 0);
  ctx.i32(`${p}.hi`, 255);
  ctx.emit("Relu", [xin], `${p}.r`, {}, `${p}.relu`);
  ctx.emit("Div", [`${p}.r`, `${p}.div`], `${p}.q`, {}, `${p}.rescale`);
  ctx.emit("Clip", [`${p}.q`, `${p}.lo`, `${p}.hi`], `${p}.c`, {}, `${p}.clip`);
  ctx.emit("Cast", [`${p}.c`], `${p}.u`, { to: 2 }, `${p}.cast`);
  lookup(ctx.emit("Cast", [`${p}.u`], `${p}.i`, { to: 6 }, `${p}.index`), sIn);
  return { inShift: sIn, outShift: sOut, rescale: acc.shift - sIn };
}
