/**
 * Elementwise float kernels: the binary arithmetic ops with numpy broadcasting (Add is
 * canonical; Sub/Mul/Div appear in exporters' shape arithmetic, which is folded; Pow in the
 * tanh form of GELU; PRelu's slope broadcasts too), Relu, and
 * the inference-time no-ops Identity and Dropout.
 */
import type { Node } from "../onnx/graph.ts";
import { broadcastDims, broadcastStrides, fail, first, size, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

function binaryShape(_node: Node | undefined, ins: (ValueShape | undefined)[], ctx: OpContext): ValueShape[] {
  const a = first(ins, ctx), b = ins[1];
  if (!b) fail(ctx, "input 1 is missing");
  return [{ dims: broadcastDims(a.dims, b.dims, ctx), kind: a.kind }];
}

/** a op b element by element, numpy-broadcast; `int` when both are integer tensors (Div truncates). */
export function broadcastApply(a: FloatValue, b: FloatValue, f: (x: number, y: number, int: boolean) => number, ctx: OpContext): FloatValue {
  const [{ dims, kind }] = binaryShape(undefined, [a, b], ctx);
  const out = new Float64Array(size(dims));
  const int = kind === "int";
  if (a.data.length === out.length && b.data.length === out.length) {
    for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], b.data[i], int);
  } else if (a.data.length === out.length && b.data.length === 1) {
    const y = b.data[0];
    for (let i = 0; i < out.length; i++) out[i] = f(a.data[i], y, int);
  } else {
    // General broadcast: walk the output index by an odometer over dims.
    const sa = broadcastStrides(a.dims, dims), sb = broadcastStrides(b.dims, dims);
    const idx = new Array<number>(dims.length).fill(0);
    let ia = 0, ib = 0;
    for (let i = 0; i < out.length; i++) {
      out[i] = f(a.data[ia], b.data[ib], int);
      for (let d = dims.length - 1; d >= 0; d--) {
        idx[d]++; ia += sa[d]; ib += sb[d];
        if (idx[d] < dims[d]) break;
        ia -= sa[d] * dims[d]; ib -= sb[d] * dims[d]; idx[d] = 0;
      }
    }
  }
  return { dims, data: out, kind };
}

function binary(opType: string, f: (x: number, y: number, int: boolean) => number): FloatOp {
  return {
    opType,
    shape: binaryShape,
    run(_node, ins, ctx) {
      const a = first(ins, ctx), b = ins[1];
      if (!b) fail(ctx, "input 1 is missing");
      return [broadcastApply(a, b, f, ctx)];
    },
  };
}

export const Add = binary("Add", (x, y) => x + y);
export const Sub = binary("Sub", (x, y) => x - y);
export const Mul = binary("Mul", (x, y) => x * y);
export const Pow = binary("Pow", (x, y) => Math.pow(x, y));
/** PRelu's slope broadcasts against x (one per channel, typically). */
export const PRelu = binary("PRelu", (x, slope) => (x < 0 ? slope * x : x));
// ONNX integer Div truncates toward zero, like C.
export const Div = binary("Div", (x, y, int) => (int ? Math.trunc(x / y) : x / y));

const sameShape = (_n: Node, ins: (ValueShape | undefined)[], ctx: OpContext): ValueShape[] => {
  const x = first(ins, ctx);
  return [{ dims: x.dims, kind: x.kind }];
};

export const Relu: FloatOp = {
  opType: "Relu",
  shape: sameShape,
  run(_n, ins, ctx) {
    const x = first(ins, ctx);
    return [{ dims: x.dims, data: x.data.map((v) => (v > 0 ? v : 0)), kind: x.kind }];
  },
};

export const Identity: FloatOp = { opType: "Identity", shape: sameShape, run: (_n, ins, ctx) => [first(ins, ctx)] };

/** Dropout at inference passes x through; its optional mask output is all ones. */
export const Dropout: FloatOp = {
  opType: "Dropout",
  shape: (n, ins, ctx) => [sameShape(n, ins, ctx)[0], { dims: first(ins, ctx).dims, kind: "int" }],
  run(_n, ins, ctx): FloatValue[] {
    const x = first(ins, ctx);
    return [x, { dims: x.dims, data: new Float64Array(x.data.length).fill(1), kind: "int" }];
  },
};
