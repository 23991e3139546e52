/**
 * DepthToSpace (modes DCR, the default, and CRD) and SpaceToDepth on [N, C, H, W]: blocks of
 * channels become blocks of pixels and back, a permutation of the wires.
 */
import type { Node } from "../onnx/graph.ts";
import { byCoords, fail, rewireOp } from "./rewire.ts";
import { input } from "./operands.ts";

function blockOf(node: Node, dtype: string, dims: number[]): number {
  // onnxruntime (1.30) has these kernels for int8 and uint8 only: an int32 graph would not load.
  if (dtype !== "int8" && dtype !== "uint8") fail(node, `takes int8 or uint8 (onnxruntime's kernels), got ${dtype}`);
  if (dims.length !== 4) fail(node, `expected input [N, C, H, W], got [${dims}]`);
  const b = Number(node.attrs.blocksize);
  if (!Number.isInteger(b) || b < 1) fail(node, `attribute blocksize ${node.attrs.blocksize} must be a positive integer`);
  return b;
}

export const DepthToSpace = rewireOp("DepthToSpace", (node, ins) => {
  const x = input(node, ins, 0);
  const b = blockOf(node, x.dtype, x.dims);
  const mode = String(node.attrs.mode ?? "DCR");
  if (mode !== "DCR" && mode !== "CRD") fail(node, `attribute mode "${mode}" is not supported; supported: DCR, CRD`);
  const [N, C, H, W] = x.dims;
  if (C % (b * b)) fail(node, `attribute blocksize ${b}: ${C} channels are not a multiple of ${b * b}`);
  const c2 = C / (b * b);
  return [byCoords([N, c2, H * b, W * b], ([n, c, y, xx]) => {
    const k = (y % b) * b + (xx % b);
    const ic = mode === "DCR" ? k * c2 + c : c * b * b + k;
    return ((n * C + ic) * H + Math.floor(y / b)) * W + Math.floor(xx / b);
  })];
});

export const SpaceToDepth = rewireOp("SpaceToDepth", (node, ins) => {
  const x = input(node, ins, 0);
  const b = blockOf(node, x.dtype, x.dims);
  const [N, C, H, W] = x.dims;
  if (H % b || W % b) fail(node, `attribute blocksize ${b} does not divide height ${H} and width ${W}`);
  return [byCoords([N, C * b * b, H / b, W / b], ([n, oc, h, w]) => {
    const k = Math.floor(oc / C), c = oc % C;
    return ((n * C + c) * H + h * b + Math.floor(k / b)) * W + w * b + (k % b);
  })];
});
