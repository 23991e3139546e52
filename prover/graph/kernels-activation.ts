/**
 * Float kernels of the element-wise nonlinearities exporters emit beyond Relu: Sigmoid, Tanh,
 * Erf (PyTorch's exact GELU is x * (1 + Erf(x / sqrt 2)) / 2), LeakyRelu, Elu, Softplus,
 * HardSigmoid, HardSwish and Clip (ReLU6 is Clip(0, 6)), then Selu, Celu, Softsign, Mish, Exp,
 * Log, Sqrt, Reciprocal, Abs, Neg and Sign. The simplifier does not accept them
 * yet; the evaluator runs them so float exports can be calibrated and compared.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, first, floatAttr, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

const sameShape = (_n: Node, ins: (ValueShape | undefined)[], ctx: OpContext): ValueShape[] => [{ dims: first(ins, ctx).dims, kind: "float" }];

/** An element-wise op; `make` reads the node's attributes (and constant inputs) once per run. */
function unary(opType: string, make: (node: Node, ins: (FloatValue | undefined)[], ctx: OpContext) => (x: number) => number): FloatOp {
  return {
    opType,
    shape: sameShape,
    run(node, ins, ctx) {
      const x = first(ins, ctx);
      return [{ dims: x.dims, data: x.data.map(make(node, ins, ctx)), kind: "float" }];
    },
  };
}

/** 1 / (1 + e^-x), written so that neither branch overflows. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/**
 * The error function (JavaScript has none): Abramowitz and Stegun 7.1.26, absolute error at
 * most 1.5e-7, below float32's resolution near 1 where erf saturates.
 */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const y = 1 - poly * Math.exp(-x * x);
  return x >= 0 ? y : -y;
}

export const Sigmoid = unary("Sigmoid", () => sigmoid);
export const Tanh = unary("Tanh", () => Math.tanh);
export const Erf = unary("Erf", () => erf);

export const LeakyRelu = unary("LeakyRelu", (node) => {
  const alpha = floatAttr(node, "alpha", 0.01);
  return (x) => (x >= 0 ? x : alpha * x);
});

export const Elu = unary("Elu", (node) => {
  const alpha = floatAttr(node, "alpha", 1);
  return (x) => (x >= 0 ? x : alpha * Math.expm1(x));
});

/** log(1 + e^x), without overflow for large x. */
export const Softplus = unary("Softplus", () => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))));

function hardSigmoid(alpha: number, beta: number): (x: number) => number {
  return (x) => Math.max(0, Math.min(1, alpha * x + beta));
}

export const HardSigmoid = unary("HardSigmoid", (node) => hardSigmoid(floatAttr(node, "alpha", 0.2), floatAttr(node, "beta", 0.5)));

/** x * HardSigmoid(x) with alpha 1/6, beta 1/2 (the ONNX definition). */
export const HardSwish = unary("HardSwish", () => {
  const h = hardSigmoid(1 / 6, 0.5);
  return (x) => x * h(x);
});

/** Bounds from the optional inputs 1 and 2 (opset 11 on) or the min/max attributes (before). */
export const Clip = unary("Clip", (node, ins, ctx) => {
  const bound = (i: number, attr: string, dflt: number): number => {
    if (ctx.opset < 11) return floatAttr(node, attr, dflt);
    const v = ins[i];
    if (!v) return dflt;
    if (v.data.length !== 1) fail(ctx, `${attr} (input ${i}) must be a scalar, got dims [${v.dims}]`);
    return v.data[0];
  };
  const lo = bound(1, "min", -Infinity), hi = bound(2, "max", Infinity);
  // onnxruntime applies max first, then min: with lo > hi every value becomes hi.
  return (x) => Math.min(hi, Math.max(lo, x));
});

// The rest of the univariate functions a lookup table can serve, for calibrating them in float.
export const Selu = unary("Selu", (node) => {
  const alpha = floatAttr(node, "alpha", 1.67326319217681884765625), gamma = floatAttr(node, "gamma", 1.05070102214813232421875);
  return (x) => gamma * (x > 0 ? x : alpha * Math.expm1(x));
});
export const Celu = unary("Celu", (node) => {
  const alpha = floatAttr(node, "alpha", 1);
  return (x) => Math.max(0, x) + Math.min(0, alpha * Math.expm1(x / alpha));
});
export const Softsign = unary("Softsign", () => (x) => x / (1 + Math.abs(x)));
export const Mish = unary("Mish", () => (x) => x * Math.tanh(x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))));
export const Exp = unary("Exp", () => Math.exp);
export const Log = unary("Log", () => Math.log);
export const Sqrt = unary("Sqrt", () => Math.sqrt);
export const Reciprocal = unary("Reciprocal", () => (x) => 1 / x);
export const Abs = unary("Abs", () => Math.abs);
export const Neg = unary("Neg", () => (x) => -x);
export const Sign = unary("Sign", () => Math.sign);
