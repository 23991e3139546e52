/**
 * Float BatchNormalization (inference form) and Softmax / LogSoftmax. The simplifier folds or
 * drops all three; they are evaluated so that graphs can be compared before and after.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, first, floatAttr, intAttr, normAxis, size, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

const sameShape = (_n: Node, ins: (ValueShape | undefined)[], ctx: OpContext): ValueShape[] => [{ dims: first(ins, ctx).dims, kind: "float" }];

/** Per channel c (axis 1): the multiplier gamma/sqrt(var+eps) and the shift beta - mean*multiplier. */
export function batchNormCoefficients(node: Node, ins: (FloatValue | undefined)[], channels: number, ctx: OpContext) {
  const eps = floatAttr(node, "epsilon", 1e-5);
  const [scale, bias, mean, variance] = ins.slice(1, 5);
  if (!scale || !bias || !mean || !variance) fail(ctx, "scale, B, mean and var are all required");
  for (const t of [scale, bias, mean, variance]) {
    if (t.data.length !== channels) fail(ctx, `per-channel parameters must have ${channels} values, got dims [${t.dims}]`);
  }
  const mul = new Float64Array(channels), add = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    mul[c] = scale.data[c] / Math.sqrt(variance.data[c] + eps);
    add[c] = bias.data[c] - mean.data[c] * mul[c];
  }
  return { mul, add };
}

export const BatchNormalization: FloatOp = {
  opType: "BatchNormalization",
  shape: sameShape,
  run(node, ins, ctx) {
    const x = first(ins, ctx);
    if (intAttr(node, "training_mode", 0) === 1) fail(ctx, "training_mode=1 is not supported (inference only)");
    if (x.dims.length < 2) fail(ctx, `input dims [${x.dims}] need a channel axis`);
    const channels = x.dims[1], inner = size(x.dims.slice(2));
    const { mul, add } = batchNormCoefficients(node, ins, channels, ctx);
    const out = new Float64Array(x.data.length);
    for (let i = 0; i < out.length; i++) {
      const c = Math.floor(i / inner) % channels;
      out[i] = x.data[i] * mul[c] + add[c];
    }
    return [{ dims: x.dims, data: out, kind: "float" }];
  },
};

/**
 * The groups Softmax normalises over, as (outer, n, inner): opset < 13 flattens the input to
 * 2-D at `axis` (default 1), opset >= 13 normalises along the single `axis` (default -1).
 */
export function softmaxGroups(node: Node, dims: number[], ctx: OpContext): { outer: number; n: number; inner: number } {
  const legacy = ctx.opset < 13;
  const axis = normAxis(intAttr(node, "axis", legacy ? 1 : -1), Math.max(dims.length, 1), ctx);
  const outer = size(dims.slice(0, axis));
  if (legacy) return { outer, n: size(dims.slice(axis)), inner: 1 };
  return { outer, n: dims[axis] ?? 1, inner: size(dims.slice(axis + 1)) };
}

function softmax(opType: string, log: boolean): FloatOp {
  return {
    opType,
    shape: sameShape,
    run(node, ins, ctx) {
      const x = first(ins, ctx);
      const { outer, n, inner } = softmaxGroups(node, x.dims, ctx);
      const out = new Float64Array(x.data.length);
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          const at = (i: number) => (o * n + i) * inner + j;
          let mx = -Infinity, sum = 0;
          for (let i = 0; i < n; i++) mx = Math.max(mx, x.data[at(i)]);
          for (let i = 0; i < n; i++) sum += Math.exp(x.data[at(i)] - mx);
          for (let i = 0; i < n; i++) {
            const z = x.data[at(i)] - mx;
            out[at(i)] = log ? z - Math.log(sum) : Math.exp(z) / sum;
          }
        }
      }
      return [{ dims: x.dims, data: out, kind: "float" }];
    },
  };
}

export const Softmax = softmax("Softmax", false);
export const LogSoftmax = softmax("LogSoftmax", true);
