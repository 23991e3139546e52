/**
 * A univariate activation f after a linear layer, in integer ONNX:
 *   acc (int32, scale 2^sa; the bias already holds h + 128 * 2^k)
 *   → Relu → Div 2^k → Clip [0, 255] → Cast uint8        u = q + 128
 *   → Cast int32 → Gather(table)                          int8 at scale 2^sOut
 * where q = clamp(round(acc / 2^k), -128, 127) is the signed int8 value at scale 2^sIn,
 * k = sa - sIn, h = 2^(k-1) (half, for rounding). The offset 128 * 2^k in the bias makes every
 * in-range value non-negative, so onnxruntime's truncating Div is a floor and round-half-up is
 * exact, and an accumulator below the range goes negative, is zeroed by the Relu and lands on
 * u = 0 (q = -128), as the clamp wants. This is the same Relu → Div → Clip → Cast chain as a
 * Relu layer: one bit decomposition in the circuit (the fused zkinfer.Requant), no new op.
 * The table is in offset order: table[u] = clamp(round(f((u - 128) / 2^sIn) * 2^sOut), -128, 127).
 */
import { ProverError } from "../errors.ts";
import type { Node, Tensor } from "../onnx/graph.ts";
import { univariateFunction } from "../graph/univariate.ts";
import { shiftFor } from "./scales.ts";

export interface ActivationLayer {
  inShift: number;
  outShift: number;
  rescale: number;
}

/**
 * Emits the requant + table for `node` (a Univariate) reading accumulator `x`, writing `out`.
 * `inRange` / `outRange`: max |value| of f's input and output on the calibration data.
 */
export function activationLayer(
  node: Node,
  where: string,
  x: { name: string; shift: number; bias?: string },
  out: string,
  inRange: number,
  outRange: number,
  inits: Map<string, Tensor>,
  nodes: Node[],
): ActivationLayer {
  if (!x.bias) throw new ProverError(`${where}: an activation must follow a linear layer (its rounding goes into that layer's bias)`);
  const f = univariateFunction(node);
  const sIn = Math.min(shiftFor(inRange, 128), x.shift);
  const k = x.shift - sIn;
  const b = inits.get(x.bias)!;
  const offset = (k > 0 ? 2 ** (k - 1) : 0) + 128 * 2 ** k;
  b.data = Int32Array.from(b.data as Int32Array, (v) => {
    if (Math.abs(v + offset) >= 2 ** 30) throw new ProverError(`${where}: the bias plus the requant offset ${offset} overflows; lower the input scale`);
    return v + offset;
  });
  // The table's output scale: the finest at which f's calibrated range fits int8.
  const sOut = shiftFor(outRange, 128);
  const table = new Int8Array(256);
  for (let u = 0; u < 256; u++) {
    table[u] = Math.max(-128, Math.min(127, Math.round(f((u - 128) / 2 ** sIn) * 2 ** sOut)));
  }
  const p = node.name;
  const i32 = (name: string, v: number) => inits.set(name, { dtype: "int32", dims: [], data: Int32Array.from([v]) });
  i32(`${p}.div`, 2 ** k);
  i32(`${p}.lo`, 0);
  i32(`${p}.hi`, 255);
  inits.set(`${p}.table`, { dtype: "int8", dims: [256], data: table });
  nodes.push(
    { name: `${p}.relu`, opType: "Relu", inputs: [x.name], outputs: [`${p}.r`], attrs: {} },
    { name: `${p}.rescale`, opType: "Div", inputs: [`${p}.r`, `${p}.div`], outputs: [`${p}.q`], attrs: {} },
    { name: `${p}.clip`, opType: "Clip", inputs: [`${p}.q`, `${p}.lo`, `${p}.hi`], outputs: [`${p}.c`], attrs: {} },
    { name: `${p}.cast`, opType: "Cast", inputs: [`${p}.c`], outputs: [`${p}.u`], attrs: { to: 2 } },
    { name: `${p}.index`, opType: "Cast", inputs: [`${p}.u`], outputs: [`${p}.i`], attrs: { to: 6 } },
    { name: `${p}.lookup`, opType: "Gather", inputs: [`${p}.table`, `${p}.i`], outputs: [out], attrs: { axis: 0 } },
  );
  return { inShift: sIn, outShift: sOut, rescale: k };
}
