/**
 * Float ConvTranspose (2-D, any stride, dilation, group, explicit pads and output_padding):
 * every input pixel scatters its weighted kernel into the output, which is the gradient of
 * Conv. output_shape and auto_pad SAME_* are refused: ONNX and onnxruntime have disagreed on
 * where their padding goes.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, first, intAttr, intsAttr, size, strAttr, type FloatOp, type OpContext, type ValueShape } from "./value.ts";

function geometry(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext) {
  const x = first(ins, ctx), w = ins[1];
  if (!w) fail(ctx, "weight input 1 is missing");
  if (x.dims.length !== 4 || w.dims.length !== 4) fail(ctx, `only 2-D ConvTranspose is supported, input dims [${x.dims}], weight dims [${w.dims}]`);
  if (node.attrs.output_shape !== undefined) fail(ctx, "the output_shape attribute is not supported (give pads and output_padding)");
  const autoPad = strAttr(node, "auto_pad", "NOTSET");
  if (autoPad !== "NOTSET" && autoPad !== "VALID") fail(ctx, `auto_pad ${autoPad} is not supported`);
  const group = intAttr(node, "group", 1);
  const [c, mg, kh, kw] = w.dims;
  if (x.dims[1] !== c || c % group !== 0) fail(ctx, `input channels ${x.dims[1]} do not fit weight dims [${w.dims}] with group ${group}`);
  const m = mg * group;
  const b = ins[2];
  if (b && (b.dims.length !== 1 || b.dims[0] !== m)) fail(ctx, `bias dims [${b.dims}] must be [${m}]`);
  const strides = intsAttr(node, "strides") ?? [1, 1];
  const dil = intsAttr(node, "dilations") ?? [1, 1];
  const pads = autoPad === "VALID" ? [0, 0, 0, 0] : intsAttr(node, "pads") ?? [0, 0, 0, 0];
  const outPad = intsAttr(node, "output_padding") ?? [0, 0];
  const kernel = [kh, kw];
  const out = [0, 1].map((i) => strides[i] * (x.dims[2 + i] - 1) + outPad[i] + (kernel[i] - 1) * dil[i] + 1 - pads[i] - pads[i + 2]);
  if (out.some((o) => o <= 0)) fail(ctx, `output size [${out}] is empty`);
  return { group, c, m, mg, kernel, strides, dil, pads, dims: [x.dims[0], m, out[0], out[1]] };
}

export const ConvTranspose: FloatOp = {
  opType: "ConvTranspose",
  shape: (node, ins, ctx) => [{ dims: geometry(node, ins, ctx).dims, kind: "float" }],
  run(node, ins, ctx) {
    const x = first(ins, ctx), w = ins[1]!, b = ins[2];
    const { group, c, m, mg, kernel: [kh, kw], strides: [sh, sw], dil: [dh, dw], pads: [pt, pl], dims } = geometry(node, ins, ctx);
    const [n, , oh, ow] = dims, [ih, iw] = x.dims.slice(2);
    const cg = c / group;
    const out = new Float64Array(size(dims));
    for (let i = 0; i < n; i++) {
      for (let oc = 0; oc < m; oc++) out.fill(b ? b.data[oc] : 0, (i * m + oc) * oh * ow, (i * m + oc + 1) * oh * ow);
      for (let ic = 0; ic < c; ic++) {
        const g = Math.floor(ic / cg);
        for (let j = 0; j < mg; j++) {
          const oc = g * mg + j, o0 = (i * m + oc) * oh * ow, w0 = (ic * mg + j) * kh * kw;
          for (let iy = 0; iy < ih; iy++) {
            for (let ix = 0; ix < iw; ix++) {
              const v = x.data[((i * c + ic) * ih + iy) * iw + ix];
              for (let ky = 0; ky < kh; ky++) {
                const oy = iy * sh + ky * dh - pt;
                if (oy < 0 || oy >= oh) continue;
                for (let kx = 0; kx < kw; kx++) {
                  const ox = ix * sw + kx * dw - pl;
                  if (ox >= 0 && ox < ow) out[o0 + oy * ow + ox] += v * w.data[w0 + ky * kw + kx];
                }
              }
            }
          }
        }
      }
    }
    return [{ dims, data: out, kind: "float" }];
  },
};
