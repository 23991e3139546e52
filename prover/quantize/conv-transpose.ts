/**
 * ConvTranspose as a Conv, since there is no integer ConvTranspose in ONNX: the input is
 * zero-stuffed (s - 1 zeros between neighbours: Unsqueeze, Pad, Reshape, Slice), padded by
 * d(k-1) - pad on each side (+ output_padding at the end; a negative amount is a crop), and
 * convolved with stride 1 by the kernel flipped in space with its in/out channels swapped
 * (per group). Every step before the ConvInteger is rewiring: zero constraints, and the
 * ConvInteger itself is free with constant weights; only onnxruntime does more work.
 *   out[y] = Σ_{i,k: i·s + d·k - pad = y} x[i]·W[k]  ==  Σ_k' z[y + d·k']·W[K-1-k']
 */
import { ProverError } from "../errors.ts";
import type { Node, Tensor } from "../onnx/graph.ts";
import { tensor } from "../onnx/graph.ts";
import type { QTensor, QuantizeContext } from "./context.ts";
import { linearLayer, type LinearLayer } from "./linear.ts";

export function convTransposeLayer(ctx: QuantizeContext, node: Node, i: number, where: string, x: QTensor, perChannel: boolean): LinearLayer {
  const wt = ctx.float.initializers.get(node.inputs[1]);
  if (!wt || wt.dtype !== "float32" || wt.dims.length !== 4) throw new ProverError(`${where}: the weight must be a 4-D float32 constant`);
  if (x.dims.length !== 4) throw new ProverError(`${where}: only 2-D ConvTranspose is supported (input dims [${x.dims}])`);
  if (node.attrs.output_shape !== undefined) throw new ProverError(`${where}: the output_shape attribute is not supported (give pads and output_padding)`);
  const autoPad = (node.attrs.auto_pad as string | undefined) ?? "NOTSET";
  if (autoPad !== "NOTSET" && autoPad !== "VALID") throw new ProverError(`${where}: auto_pad ${autoPad} is not supported`);
  const [Cin, Mg, kh, kw] = wt.dims;
  const group = Number(node.attrs.group ?? 1);
  const [sh, sw] = (node.attrs.strides as number[] | undefined) ?? [1, 1];
  const [dh, dw] = (node.attrs.dilations as number[] | undefined) ?? [1, 1];
  const [pt, pl, pb, pr] = autoPad === "VALID" ? [0, 0, 0, 0] : (node.attrs.pads as number[] | undefined) ?? [0, 0, 0, 0];
  const [oph, opw] = (node.attrs.output_padding as number[] | undefined) ?? [0, 0];
  const [, C, H, W] = x.dims;
  const p = node.name;
  const ints = (base: string, v: number[]) => {
    const n = ctx.fresh(`${p}.${base}`);
    ctx.inits.set(n, tensor("int64", [v.length], BigInt64Array.from(v, BigInt)));
    return n;
  };
  let name = x.name;
  let h = H, w = W;
  if (sh > 1 || sw > 1) {
    name = ctx.emit("Unsqueeze", [name, ints("stuff.axes", [3, 5])], ctx.fresh(`${p}.stuff.u`));
    name = ctx.emit("Pad", [name, ints("stuff.pads", [0, 0, 0, 0, 0, 0, 0, 0, 0, sh - 1, 0, sw - 1])], ctx.fresh(`${p}.stuff.p`));
    name = ctx.emit("Reshape", [name, ints("stuff.shape", [1, C, H * sh, W * sw])], ctx.fresh(`${p}.stuff.r`));
    h = (H - 1) * sh + 1;
    w = (W - 1) * sw + 1;
    name = ctx.emit("Slice", [name, ints("stuff.starts", [0, 0]), ints("stuff.ends", [h, w]), ints("stuff.saxes", [2, 3])], ctx.fresh(`${p}.stuff`));
  }
  const begin = [dh * (kh - 1) - pt, dw * (kw - 1) - pl];
  const end = [dh * (kh - 1) - pb + oph, dw * (kw - 1) - pr + opw];
  const grow = [...begin, ...end].map((v) => Math.max(0, v));
  if (grow.some((v) => v > 0)) {
    name = ctx.emit("Pad", [name, ints("border", [0, 0, grow[0], grow[1], 0, 0, grow[2], grow[3]])], ctx.fresh(`${p}.padded`));
    h += grow[0] + grow[2];
    w += grow[1] + grow[3];
  }
  const crop = [...begin, ...end].map((v) => Math.max(0, -v));
  if (crop.some((v) => v > 0)) {
    name = ctx.emit("Slice", [name, ints("crop.starts", [crop[0], crop[1]]), ints("crop.ends", [h - crop[2], w - crop[3]]), ints("crop.axes", [2, 3])], ctx.fresh(`${p}.cropped`));
  }
  // Conv weight [M, Cin/group, kh, kw]: out channel o of group g reads in channel g·Cin/group + c, flipped.
  const M = Mg * group, Cg = Cin / group;
  const wc = new Float32Array(M * Cg * kh * kw);
  for (let o = 0; o < M; o++) {
    const g = Math.floor(o / Mg), ol = o % Mg;
    for (let c = 0; c < Cg; c++) {
      for (let y = 0; y < kh; y++) {
        for (let z = 0; z < kw; z++) {
          wc[((o * Cg + c) * kh + y) * kw + z] = (wt.data as Float32Array)[(((g * Cg + c) * Mg + ol) * kh + (kh - 1 - y)) * kw + (kw - 1 - z)];
        }
      }
    }
  }
  const wOverride: Tensor = { dtype: "float32", dims: [M, Cg, kh, kw], data: wc };
  const conv: Node = {
    name: p, opType: "Conv", inputs: [name, `${p}.wflip`, node.inputs[2] ?? ""], outputs: node.outputs,
    attrs: { kernel_shape: [kh, kw], strides: [1, 1], pads: [0, 0, 0, 0], dilations: [dh, dw], group },
  };
  return linearLayer(ctx.float, conv, i, { name, shift: x.shift, unsigned: x.unsigned }, ctx, perChannel, wOverride);
}
