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
import { univariateFunction } from "../graph/univariate.ts";
import { shiftFor } from "./scales.ts";
import type { QTensor, QuantizeContext } from "./context.ts";

export interface ActivationLayer {
  inShift: number;
  outShift: number;
  rescale: number;
}

/** Emits the requant + table for `node` (a Univariate) reading `x`, writing `out`. */
export function activationLayer(ctx: QuantizeContext, node: Node, where: string, x: QTensor, out: string): ActivationLayer {
  const f = univariateFunction(node);
  // The table's output scale: the finest at which f's calibrated range fits int8.
  const sOut = ctx.capped(out, shiftFor(ctx.rangeOf(out), 128));
  const entry = (v: number) => Math.max(-128, Math.min(127, Math.round(f(v) * 2 ** sOut)));
  const p = node.name;
  if (x.kind === "act") {
    // An int8/uint8 value indexes the table as it is (Gather counts a negative index from the end).
    const table = Int8Array.from({ length: 256 }, (_, u) => entry((x.unsigned ? u : u < 128 ? u : u - 256) / 2 ** x.shift));
    ctx.inits.set(`${p}.table`, { dtype: "int8", dims: [256], data: table });
    ctx.emit("Cast", [x.name], `${p}.i`, { to: 6 }, `${p}.index`);
    ctx.emit("Gather", [`${p}.table`, `${p}.i`], out, { axis: 0 }, `${p}.lookup`);
    return { inShift: x.shift, outShift: sOut, rescale: 0 };
  }
  let acc = x;
  const sIn = Math.min(shiftFor(ctx.rangeOf(x.float), 128), acc.shift);
  if (acc.shift === sIn) acc = ctx.toAcc(acc, acc.shift + 1, where); // no Div by 1 (see context.ts)
  const table = new Int8Array(256);
  for (let u = 0; u < 256; u++) table[u] = entry((u - 128) / 2 ** sIn);
  // Names as before the quantizer took graphs: committed integer models keep their bytes.
  const offset = (acc.shift - sIn > 0 ? 2 ** (acc.shift - sIn - 1) : 0) + 128 * 2 ** (acc.shift - sIn);
  const xin = ctx.addConstant(acc, offset, x.float, where);
  ctx.i32(`${p}.div`, 2 ** (acc.shift - sIn));
  ctx.i32(`${p}.lo`, 0);
  ctx.i32(`${p}.hi`, 255);
  ctx.inits.set(`${p}.table`, { dtype: "int8", dims: [256], data: table });
  ctx.emit("Relu", [xin], `${p}.r`, {}, `${p}.relu`);
  ctx.emit("Div", [`${p}.r`, `${p}.div`], `${p}.q`, {}, `${p}.rescale`);
  ctx.emit("Clip", [`${p}.q`, `${p}.lo`, `${p}.hi`], `${p}.c`, {}, `${p}.clip`);
  ctx.emit("Cast", [`${p}.c`], `${p}.u`, { to: 2 }, `${p}.cast`);
  ctx.emit("Cast", [`${p}.u`], `${p}.i`, { to: 6 }, `${p}.index`);
  ctx.emit("Gather", [`${p}.table`, `${p}.i`], out, { axis: 0 }, `${p}.lookup`);
  return { inShift: sIn, outShift: sOut, rescale: acc.shift - sIn };
}
