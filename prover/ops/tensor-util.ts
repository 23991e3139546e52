/** Shape helpers shared by op modules: numpy-style broadcasting and int wrapping. */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";

export function broadcastDims(a: number[], b: number[], node: Node): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1, y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ProverError(`node ${node.name} (${node.opType}): cannot broadcast [${a}] with [${b}]`);
    }
    out.push(Math.max(x, y));
  }
  return out;
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

export function nodeRef(node: Node): string {
  return `node ${node.name} (${node.opType})`;
}
