/**
 * MaxPool on int8/uint8 (onnxruntime has no int32 MaxPool). Padded positions never win, as
 * in ONNX. In the circuit a window's maximum is a chain of Max2, each one bit decomposition
 * of the difference of two values (9 bits for int8).
 */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import { signalLin, type Lin } from "../lowering/linexpr.ts";
import type { Lowering } from "../lowering/lowering.ts";
import { offsetWidth } from "../lowering/requant.ts";
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { nodeRef, opContext } from "./tensor-util.ts";
import { window2d } from "../graph/window.ts";

interface PoolGeom { C: number; H: number; W: number; kH: number; kW: number; sH: number; sW: number; pT: number; pL: number; oH: number; oW: number }

/** Window geometry (strides, pads or auto_pad, ceil_mode) is the float evaluator's, window2d. */
export function poolGeometry(node: Node, dims: number[]): PoolGeom {
  if (dims.length !== 4 || dims[0] !== 1) throw new ProverError(`${nodeRef(node)}: expected input [1, C, H, W], got [${dims}]`);
  const kernel = ((node.attrs.kernel_shape as number[] | undefined) ?? []).map(Number);
  if (kernel.length !== 2) throw new ProverError(`${nodeRef(node)}: kernel_shape [kH, kW] is required`);
  const g = window2d(node, dims, kernel, opContext(node));
  if (g.dilations.some((d) => d !== 1)) throw new ProverError(`${nodeRef(node)}: dilations other than 1 are not supported`);
  const [, C, H, W] = dims;
  return { C, H, W, kH: kernel[0], kW: kernel[1], sH: g.strides[0], sW: g.strides[1], pT: g.begin[0], pL: g.begin[1], oH: g.outSize[0], oW: g.outSize[1] };
}

function windows(g: PoolGeom): number[][] {
  const out: number[][] = [];
  for (let c = 0; c < g.C; c++)
    for (let oy = 0; oy < g.oH; oy++)
      for (let ox = 0; ox < g.oW; ox++) {
        const idx: number[] = [];
        for (let ky = 0; ky < g.kH; ky++)
          for (let kx = 0; kx < g.kW; kx++) {
            const y = oy * g.sH - g.pT + ky, x = ox * g.sW - g.pL + kx;
            if (y >= 0 && x >= 0 && y < g.H && x < g.W) idx.push((c * g.H + y) * g.W + x);
          }
        out.push(idx);
      }
  return out;
}

export function max2(a: Lin, b: Lin, ctx: Lowering): Lin {
  if (a.min >= b.max) return a; // decided by the bounds alone
  if (b.min >= a.max) return b;
  const B = offsetWidth(a.min - b.max, a.max - b.min, 0);
  const name = ctx.fresh("m");
  ctx.emit(`component ${name} = Max2(${B});`);
  ctx.assign(`${name}.a`, a);
  ctx.assign(`${name}.b`, b);
  ctx.addCost(B + 2);
  return signalLin(`${name}.out`, a.min > b.min ? a.min : b.min, a.max > b.max ? a.max : b.max);
}

export const MaxPool: OpModule = {
  opType: "MaxPool",
  cost: "at most n·(k−1)·(B+2): a Max2 chain per output (n outputs, k window elements; B = bits of a difference, 8 for int8)",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    if (x.dtype !== "int8" && x.dtype !== "uint8") throw new ProverError(`${nodeRef(node)}: integer MaxPool takes int8 or uint8, got ${x.dtype}`);
    const g = poolGeometry(node, x.dims);
    return [{ dtype: x.dtype, dims: [1, g.C, g.oH, g.oW], data: windows(g).map((w) => Math.max(...w.map((i) => x.data[i]))) }];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    if (x.dtype !== "int8" && x.dtype !== "uint8") throw new ProverError(`${nodeRef(node)}: integer MaxPool takes int8 or uint8, got ${x.dtype}`);
    if (node.outputs[1]) throw new ProverError(`${nodeRef(node)}: the Indices output is not supported`);
    if (x.kind !== "sym") return [{ kind: "const", ...MaxPool.evaluate(node, [x])[0] }];
    const g = poolGeometry(node, x.dims);
    const elems = windows(g).map((w) => w.map((i) => x.elems[i]).reduce((m, e) => max2(m, e, ctx)));
    return [{ kind: "sym", dtype: x.dtype, dims: [1, g.C, g.oH, g.oW], elems }];
  },
};
