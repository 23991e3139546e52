/**
 * Float Conv (any stride, pads, dilation and group, 1-D or 2-D). The quantizer runs it for
 * calibration on ~1000 images, so the inner loop walks a contiguous output row for one
 * weight at a time, with the valid column range computed once instead of tested per pixel.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, first, intAttr, size, type FloatOp, type OpContext, type ValueShape } from "./value.ts";
import { window2d, windowOutDims, type Window2d } from "./window.ts";

function geometry(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext) {
  const x = first(ins, ctx), w = ins[1];
  if (!w) fail(ctx, "weight input 1 is missing");
  const group = intAttr(node, "group", 1);
  const [m, cg] = w.dims;
  if (w.dims.length !== x.dims.length) fail(ctx, `weight dims [${w.dims}] do not match input dims [${x.dims}]`);
  if (x.dims[1] !== cg * group || m % group !== 0) {
    fail(ctx, `input channels ${x.dims[1]} / output channels ${m} do not fit weight dims [${w.dims}] with group ${group}`);
  }
  const b = ins[2];
  if (b && (b.dims.length !== 1 || b.dims[0] !== m)) fail(ctx, `bias dims [${b.dims}] must be [${m}]`);
  const win = window2d(node, x.dims, w.dims.slice(2), ctx);
  return { win, group, m, cg, dims: windowOutDims(x.dims, m, win) };
}

/** Adds sum over the window of w * x for one (output, input) channel pair into `out`. */
function accumulate(out: Float64Array, o0: number, x: Float64Array, x0: number, wt: Float64Array, w0: number, g: Window2d): void {
  const [kh, kw] = g.kernel, [sh, sw] = g.strides, [dh, dw] = g.dilations;
  const [ih, iw] = g.inSize, [oh, ow] = g.outSize, [pt, pl] = g.begin;
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const wv = wt[w0 + ky * kw + kx];
      if (wv === 0) continue;
      const offX = kx * dw - pl;
      // Output columns whose input column ox*sw + offX lies inside [0, iw).
      const oxStart = Math.max(0, Math.ceil(-offX / sw));
      const oxEnd = Math.min(ow, Math.floor((iw - 1 - offX) / sw) + 1);
      for (let oy = 0; oy < oh; oy++) {
        const iy = oy * sh + ky * dh - pt;
        if (iy < 0 || iy >= ih) continue;
        const orow = o0 + oy * ow, irow = x0 + iy * iw + offX;
        for (let ox = oxStart; ox < oxEnd; ox++) out[orow + ox] += wv * x[irow + ox * sw];
      }
    }
  }
}

export const Conv: FloatOp = {
  opType: "Conv",
  shape: (node, ins, ctx) => [{ dims: geometry(node, ins, ctx).dims, kind: "float" }],
  run(node, ins, ctx) {
    const x = first(ins, ctx), w = ins[1]!, b = ins[2];
    const { win, group, m, cg, dims } = geometry(node, ins, ctx);
    const out = new Float64Array(size(dims));
    const plane = win.outSize[0] * win.outSize[1], inPlane = win.inSize[0] * win.inSize[1];
    const kArea = win.kernel[0] * win.kernel[1], mg = m / group;
    for (let n = 0; n < dims[0]; n++) {
      for (let oc = 0; oc < m; oc++) {
        const o0 = (n * m + oc) * plane;
        if (b) out.fill(b.data[oc], o0, o0 + plane);
        const g = Math.floor(oc / mg);
        for (let c = 0; c < cg; c++) {
          const x0 = (n * x.dims[1] + g * cg + c) * inPlane;
          accumulate(out, o0, x.data, x0, w.data, (oc * cg + c) * kArea, win);
        }
      }
    }
    return [{ dims, data: out, kind: "float" }];
  },
};
