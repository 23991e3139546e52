/**
 * Float DepthToSpace (modes DCR and CRD) and SpaceToDepth on NCHW tensors: blocks of
 * `blocksize` x `blocksize` pixels move between the channel axis and the spatial axes.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, first, intAttr, strAttr, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

function blockOf(node: Node, x: ValueShape, ctx: OpContext): number {
  if (x.dims.length !== 4) fail(ctx, `input dims [${x.dims}] must be NCHW (rank 4)`);
  const b = intAttr(node, "blocksize", 0);
  if (!Number.isInteger(b) || b < 1) fail(ctx, "the blocksize attribute must be a positive integer");
  return b;
}

/** DepthToSpace's mode: DCR (depth, column, row: the default) or CRD, which opset 11 added. */
function modeOf(node: Node, ctx: OpContext): "DCR" | "CRD" {
  const mode = strAttr(node, "mode", "DCR");
  if (mode !== "DCR" && mode !== "CRD") fail(ctx, `mode ${mode} is not supported (DCR, CRD)`);
  if (mode === "CRD" && ctx.opset < 11) fail(ctx, `mode CRD needs opset 11 (graph opset ${ctx.opset})`);
  return mode;
}

function d2sDims(node: Node, x: ValueShape, ctx: OpContext): number[] {
  const b = blockOf(node, x, ctx);
  const [n, c, h, w] = x.dims;
  if (c % (b * b) !== 0) fail(ctx, `${c} channels are not a multiple of blocksize² = ${b * b}`);
  return [n, c / (b * b), h * b, w * b];
}

function s2dDims(node: Node, x: ValueShape, ctx: OpContext): number[] {
  const b = blockOf(node, x, ctx);
  const [n, c, h, w] = x.dims;
  if (h % b !== 0 || w % b !== 0) fail(ctx, `spatial dims ${h}x${w} are not multiples of blocksize ${b}`);
  return [n, c * b * b, h / b, w / b];
}

/**
 * Moves every element between the deep layout [n, C, H, W] and the spatial layout
 * [n, c, H*b, W*b]: pixel (i, j) of a block is channel (i*b + j)*c + ch in DCR, ch*b*b + i*b + j in CRD.
 */
function shuffle(deep: number[], b: number, crd: boolean, data: Float64Array, toSpace: boolean): Float64Array {
  const [n, cd, h, w] = deep;
  const c = cd / (b * b), W = w * b;
  const out = new Float64Array(data.length);
  for (let bn = 0; bn < n; bn++) {
    for (let ch = 0; ch < c; ch++) {
      for (let i = 0; i < b; i++) {
        for (let j = 0; j < b; j++) {
          const dc = crd ? ch * b * b + i * b + j : (i * b + j) * c + ch;
          for (let y = 0; y < h; y++) {
            for (let xx = 0; xx < w; xx++) {
              const di = ((bn * cd + dc) * h + y) * w + xx;
              const si = ((bn * c + ch) * h * b + y * b + i) * W + xx * b + j;
              if (toSpace) out[si] = data[di];
              else out[di] = data[si];
            }
          }
        }
      }
    }
  }
  return out;
}

export const DepthToSpace: FloatOp = {
  opType: "DepthToSpace",
  shape: (node, ins, ctx) => [{ dims: d2sDims(node, first(ins, ctx), ctx), kind: first(ins, ctx).kind }],
  run(node, ins, ctx): FloatValue[] {
    const x = first(ins, ctx);
    const dims = d2sDims(node, x, ctx);
    return [{ dims, data: shuffle(x.dims, blockOf(node, x, ctx), modeOf(node, ctx) === "CRD", x.data, true), kind: x.kind }];
  },
};

export const SpaceToDepth: FloatOp = {
  opType: "SpaceToDepth",
  shape: (node, ins, ctx) => [{ dims: s2dDims(node, first(ins, ctx), ctx), kind: first(ins, ctx).kind }],
  run(node, ins, ctx): FloatValue[] {
    const x = first(ins, ctx);
    const dims = s2dDims(node, x, ctx);
    return [{ dims, data: shuffle(dims, blockOf(node, x, ctx), false, x.data, false), kind: x.kind }];
  },
};
