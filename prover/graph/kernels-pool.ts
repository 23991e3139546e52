/**
 * Float MaxPool and AveragePool, as onnxruntime computes them: pads never win a max, and the
 * average divides by the count of real input cells unless count_include_pad=1 (then by the
 * cells inside the padded input, so a ceil_mode window overhanging the pads counts less), and
 * their global forms over every spatial axis.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, first, intAttr, intsAttr, size, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";
import { window2d, windowOutDims, type Window2d } from "./window.ts";

function geometry(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): { win: Window2d; dims: number[] } {
  const x = first(ins, ctx);
  const kernel = intsAttr(node, "kernel_shape");
  if (!kernel) fail(ctx, "kernel_shape is required");
  const win = window2d(node, x.dims, kernel, ctx);
  return { win, dims: windowOutDims(x.dims, x.dims[1], win) };
}

function pool(node: Node, x: FloatValue, ctx: OpContext, max: boolean): FloatValue {
  const { win, dims } = geometry(node, [x], ctx);
  const [kh, kw] = win.kernel, [sh, sw] = win.strides, [dh, dw] = win.dilations;
  const [ih, iw] = win.inSize, [oh, ow] = win.outSize, [pt, pl] = win.begin, [pb, pr] = win.end;
  const includePad = intAttr(node, "count_include_pad", 0) === 1;
  const out = new Float64Array(size(dims));
  const planes = dims[0] * dims[1];
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const x0 = p * ih * iw;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let acc = max ? -Infinity : 0, count = 0, padded = 0;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * sh + ky * dh - pt;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw + kx * dw - pl;
            if (iy >= -pt && iy < ih + pb && ix >= -pl && ix < iw + pr) padded++;
            if (iy < 0 || iy >= ih || ix < 0 || ix >= iw) continue;
            const v = x.data[x0 + iy * iw + ix];
            if (max) { if (v > acc) acc = v; } else acc += v;
            count++;
          }
        }
        out[o++] = max ? acc : acc / (includePad ? padded : count);
      }
    }
  }
  return { dims, data: out, kind: "float" };
}

export const MaxPool: FloatOp = {
  opType: "MaxPool",
  shape: (node, ins, ctx) => [{ dims: geometry(node, ins, ctx).dims, kind: "float" }],
  run(node, ins, ctx) {
    if (intAttr(node, "storage_order", 0) !== 0) fail(ctx, "storage_order=1 is not supported");
    return [pool(node, first(ins, ctx), ctx, true)];
  },
};

export const AveragePool: FloatOp = {
  opType: "AveragePool",
  shape: (node, ins, ctx) => [{ dims: geometry(node, ins, ctx).dims, kind: "float" }],
  run: (node, ins, ctx) => [pool(node, first(ins, ctx), ctx, false)],
};

/** GlobalAveragePool / GlobalMaxPool: one value per (batch, channel) over every spatial axis. */
function global(opType: string, max: boolean): FloatOp {
  const dimsOf = (x: ValueShape, ctx: OpContext) => {
    if (x.dims.length < 3) fail(ctx, `input dims [${x.dims}] need at least one spatial axis`);
    return [x.dims[0], x.dims[1], ...x.dims.slice(2).map(() => 1)];
  };
  return {
    opType,
    shape: (_n, ins, ctx) => [{ dims: dimsOf(first(ins, ctx), ctx), kind: "float" }],
    run(_n, ins, ctx) {
      const x = first(ins, ctx);
      const dims = dimsOf(x, ctx);
      const planes = dims[0] * dims[1], area = x.data.length / planes;
      const out = new Float64Array(planes);
      for (let p = 0; p < planes; p++) {
        let acc = max ? -Infinity : 0;
        for (let i = p * area; i < (p + 1) * area; i++) acc = max ? Math.max(acc, x.data[i]) : acc + x.data[i];
        out[p] = max ? acc : acc / area;
      }
      return [{ dims, data: out, kind: "float" }];
    },
  };
}

export const GlobalAveragePool = global("GlobalAveragePool", false);
export const GlobalMaxPool = global("GlobalMaxPool", true);
