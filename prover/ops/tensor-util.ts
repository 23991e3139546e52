/** Shape helpers shared by op modules: numpy-style broadcasting and int wrapping. */
import type { Node } from "../onnx/graph.ts";
import { broadcastDims as graphBroadcastDims, type OpContext } from "../graph/value.ts";

/** The float evaluator's shape rules, with errors naming this node. */
export function opContext(node: Node): OpContext {
  return { opset: 0, where: nodeRef(node) };
}

export function broadcastDims(a: number[], b: number[], node: Node): number[] {
  return graphBroadcastDims(a, b, opContext(node));
}

/** Index into a tensor of dims `d` for a flat index of the broadcast shape `out`. */
export function broadcastIndex(flat: number, out: number[], d: number[]): number {
  let idx = 0, stride = 1, rem = flat;
  const offs = out.length - d.length;
  const coords: number[] = new Array(out.length);
  for (let i = out.length - 1; i >= 0; i--) {
    coords[i] = rem % out[i];
    rem = Math.floor(rem / out[i]);
  }
  for (let i = d.length - 1; i >= 0; i--) {
    const c = d[i] === 1 ? 0 : coords[i + offs];
    idx += c * stride;
    stride *= d[i];
  }
  return idx;
}

export function size(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function wrapInt8(x: number): number {
  return ((((x + 128) % 256) + 256) % 256) - 128;
}

export function wrapInt32(x: number): number {
  return Number(BigInt.asIntN(32, BigInt(x)));
}

/** Wrapping of an integer result to a type, as onnxruntime's kernels store it (int64: none needed here). */
export function wrapTo(dtype: string): (x: number) => number {
  if (dtype === "int8") return wrapInt8;
  if (dtype === "uint8") return (x) => ((x % 256) + 256) % 256;
  if (dtype === "int32") return wrapInt32;
  return (x) => x;
}

export function nodeRef(node: Node): string {
  return `node ${node.name} (${node.opType})`;
}
