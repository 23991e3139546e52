/**
 * Float Gemm and MatMul (numpy semantics: 1-D operands promoted, batch dims broadcast).
 * Loops run i-k-j so the innermost walks contiguous rows of B and of the output.
 */
import type { Node } from "../onnx/graph.ts";
import { broadcastDims, broadcastStrides, fail, first, floatAttr, intAttr, size, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

function gemmDims(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext) {
  const a = first(ins, ctx), b = ins[1];
  if (!b) fail(ctx, "input B is missing");
  if (a.dims.length !== 2 || b.dims.length !== 2) fail(ctx, `A [${a.dims}] and B [${b.dims}] must be 2-D`);
  const ta = intAttr(node, "transA", 0) === 1, tb = intAttr(node, "transB", 0) === 1;
  const [m, k] = ta ? [a.dims[1], a.dims[0]] : a.dims;
  const [k2, n] = tb ? [b.dims[1], b.dims[0]] : b.dims;
  if (k !== k2) fail(ctx, `inner dims differ: A [${a.dims}]${ta ? "ᵀ" : ""} x B [${b.dims}]${tb ? "ᵀ" : ""}`);
  if (ins[2]) broadcastDims([m, n], ins[2].dims, ctx);
  return { m, k, n, ta, tb };
}

export const Gemm: FloatOp = {
  opType: "Gemm",
  shape: (node, ins, ctx) => {
    const { m, n } = gemmDims(node, ins, ctx);
    return [{ dims: [m, n], kind: "float" }];
  },
  run(node, ins, ctx) {
    const { m, k, n, ta, tb } = gemmDims(node, ins, ctx);
    const a = ins[0]!.data, b = ins[1]!.data, c = ins[2];
    const alpha = floatAttr(node, "alpha", 1), beta = floatAttr(node, "beta", 1);
    const out = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const av = alpha * (ta ? a[p * m + i] : a[i * k + p]);
        if (tb) for (let j = 0; j < n; j++) out[i * n + j] += av * b[j * k + p];
        else for (let j = 0, r = p * n; j < n; j++) out[i * n + j] += av * b[r + j];
      }
    }
    if (c) {
      const [si, sj] = broadcastStrides(c.dims, [m, n]);
      for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) out[i * n + j] += beta * c.data[i * si + j * sj];
    }
    return [{ dims: [m, n], data: out, kind: "float" }];
  },
};

function matmulDims(ins: (ValueShape | undefined)[], ctx: OpContext) {
  const a = first(ins, ctx), b = ins[1];
  if (!b) fail(ctx, "input B is missing");
  if (a.dims.length === 0 || b.dims.length === 0) fail(ctx, "MatMul operands must not be scalars");
  const ad = a.dims.length === 1 ? [1, a.dims[0]] : a.dims;
  const bd = b.dims.length === 1 ? [b.dims[0], 1] : b.dims;
  const [m, k] = ad.slice(-2), [k2, n] = bd.slice(-2);
  if (k !== k2) fail(ctx, `inner dims differ: [${a.dims}] x [${b.dims}]`);
  const batch = broadcastDims(ad.slice(0, -2), bd.slice(0, -2), ctx);
  const dims = [...batch, ...(a.dims.length === 1 ? [] : [m]), ...(b.dims.length === 1 ? [] : [n])];
  return { ad, bd, m, k, n, batch, dims };
}

export const MatMul: FloatOp = {
  opType: "MatMul",
  shape: (_node, ins, ctx) => [{ dims: matmulDims(ins, ctx).dims, kind: "float" }],
  run(_node, ins, ctx): FloatValue[] {
    const { ad, bd, m, k, n, batch, dims } = matmulDims(ins, ctx);
    const a = ins[0]!.data, b = ins[1]!.data;
    const out = new Float64Array(size(dims));
    // Batch strides in units of whole matrices; 0 along broadcast batch axes.
    const sa = broadcastStrides(ad.slice(0, -2), batch), sb = broadcastStrides(bd.slice(0, -2), batch);
    const nb = size(batch);
    for (let t = 0; t < nb; t++) {
      let ia = 0, ib = 0;
      for (let d = batch.length - 1, r = t; d >= 0; d--) {
        const i = r % batch[d];
        r = Math.floor(r / batch[d]);
        ia += i * sa[d]; ib += i * sb[d];
      }
      const a0 = ia * m * k, b0 = ib * k * n, o0 = t * m * n;
      for (let i = 0; i < m; i++) {
        for (let p = 0; p < k; p++) {
          const av = a[a0 + i * k + p];
          const br = b0 + p * n, orow = o0 + i * n;
          for (let j = 0; j < n; j++) out[orow + j] += av * b[br + j];
        }
      }
    }
    return [{ dims, data: out, kind: "float" }];
  },
};
