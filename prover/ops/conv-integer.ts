/**
 * ConvInteger: 8-bit input x [1, C, H, W] and constant 8-bit weights [M, C/group, kH, kW] to
 * int32 [1, M, oH, oW], with strides, pads, dilations and groups, as onnxruntime computes it.
 * In the circuit each output is a linear combination of input signals: no constraints.
 */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import { addLin, constLin, dot, type Lin } from "../lowering/linexpr.ts";
import type { IntTensor, OpModule } from "./types.ts";
import { constZeroPoint, input } from "./operands.ts";
import { nodeRef, opContext, wrapInt32 } from "./tensor-util.ts";
import { window2d } from "../graph/window.ts";

interface ConvGeom {
  C: number; H: number; W: number; M: number; kH: number; kW: number; group: number;
  sH: number; sW: number; pT: number; pL: number; dH: number; dW: number; oH: number; oW: number;
}

/** Window geometry (strides, pads or auto_pad, dilations) is the float evaluator's, window2d. */
export function convGeometry(node: Node, x: number[], w: number[]): ConvGeom {
  if (x.length !== 4 || w.length !== 4 || x[0] !== 1) throw new ProverError(`${nodeRef(node)}: expected x [1, C, H, W] and W [M, C/group, kH, kW], got [${x}] and [${w}]`);
  const group = Number(node.attrs.group ?? 1);
  const [, C, H, W] = x, [M, Cg, kH, kW] = w;
  if (C !== Cg * group || M % group !== 0) throw new ProverError(`${nodeRef(node)}: channels ${C} and weights [${w}] do not match group ${group}`);
  const ks = node.attrs.kernel_shape as number[] | undefined;
  if (ks && (ks.length !== 2 || ks[0] !== kH || ks[1] !== kW)) throw new ProverError(`${nodeRef(node)}: kernel_shape [${ks}] does not match the weights [${w}]`);
  const g = window2d(node, x, [kH, kW], opContext(node));
  return {
    C, H, W, M, kH, kW, group,
    sH: g.strides[0], sW: g.strides[1], pT: g.begin[0], pL: g.begin[1], dH: g.dilations[0], dW: g.dilations[1], oH: g.outSize[0], oW: g.outSize[1],
  };
}

/** For every output element, the (input index, weight index) pairs it sums. */
function* taps(g: ConvGeom, m: number, oy: number, ox: number): Generator<[number, number]> {
  const Cg = g.C / g.group, Mg = g.M / g.group, grp = Math.floor(m / Mg);
  for (let c = 0; c < Cg; c++)
    for (let ky = 0; ky < g.kH; ky++)
      for (let kx = 0; kx < g.kW; kx++) {
        const iy = oy * g.sH - g.pT + ky * g.dH, ix = ox * g.sW - g.pL + kx * g.dW;
        if (iy < 0 || ix < 0 || iy >= g.H || ix >= g.W) continue; // zero padding
        const ci = grp * Cg + c;
        yield [(ci * g.H + iy) * g.W + ix, ((m * Cg + c) * g.kH + ky) * g.kW + kx];
      }
}

function zeroPointsZero(node: Node, zs: (IntTensor | undefined)[]): void {
  for (const z of zs) if (z && z.data.some((v) => v !== 0)) throw new ProverError(`${nodeRef(node)}: nonzero zero points are not supported`);
}

export const ConvInteger: OpModule = {
  opType: "ConvInteger",
  cost: "0 with constant weights; n·K with hashed weights (K = C/group·kH·kW taps per output)",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0), w = input(node, inputs, 1);
    zeroPointsZero(node, [inputs[2], inputs[3]]);
    const g = convGeometry(node, x.dims, w.dims);
    const out: number[] = [];
    for (let m = 0; m < g.M; m++)
      for (let oy = 0; oy < g.oH; oy++)
        for (let ox = 0; ox < g.oW; ox++) {
          let s = 0;
          for (const [xi, wi] of taps(g, m, oy, ox)) s += x.data[xi] * w.data[wi];
          out.push(wrapInt32(s));
        }
    return [{ dtype: "int32", dims: [1, g.M, g.oH, g.oW], data: out }];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    const w = input(node, inputs, 1);
    if (x.kind !== "sym") throw new ProverError(`${nodeRef(node)}: input 0 must depend on the model input`);
    zeroPointsZero(node, [constZeroPoint(node, inputs, 2), constZeroPoint(node, inputs, 3)]);
    const g = convGeometry(node, x.dims, w.dims);
    const elems: Lin[] = [];
    for (let m = 0; m < g.M; m++)
      for (let oy = 0; oy < g.oH; oy++)
        for (let ox = 0; ox < g.oW; ox++) {
          const tapList = [...taps(g, m, oy, ox)];
          if (w.kind === "const") {
            // Constant weights: a linear combination, no constraint.
            elems.push(dot(tapList.map(([xi]) => x.elems[xi]), tapList.map(([, wi]) => BigInt(w.data[wi])), 0n));
          } else {
            // Hashed (private) weights: one product per multiply-accumulate.
            elems.push(tapList.reduce((acc, [xi, wi]) => addLin(acc, ctx.mul(x.elems[xi], w.elems[wi])), constLin(0n)));
          }
        }
    return [{ kind: "sym", dtype: "int32", dims: [1, g.M, g.oH, g.oW], elems }];
  },
};
