/** Geometry of a reduction over some axes: which input elements each output element reduces. */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import { nodeRef, size } from "./tensor-util.ts";

export interface Reduction {
  dims: number[];
  /** Per output element (row-major), the flat input indices it reduces, in input order. */
  groups: number[][];
}

/** Normalizes axes (negative ones count from the end), refusing out-of-range or repeated ones. */
export function normalizeAxes(node: Node, axes: number[], rank: number): number[] {
  const out = axes.map((a) => {
    if (!Number.isInteger(a) || a < -rank || a >= rank) throw new ProverError(`${nodeRef(node)}: axis ${a} is out of range for rank ${rank}`);
    return a < 0 ? a + rank : a;
  });
  if (new Set(out).size !== out.length) throw new ProverError(`${nodeRef(node)}: axes [${axes}] repeat an axis`);
  return out;
}

export function reduction(node: Node, dims: number[], axes: number[], keepdims: boolean): Reduction {
  if (dims.some((d) => d === 0)) throw new ProverError(`${nodeRef(node)}: reduction of an empty tensor (dims [${dims}]) is not supported`);
  const reduced = new Set(axes);
  const outFull = dims.map((d, i) => (reduced.has(i) ? 1 : d));
  const groups: number[][] = Array.from({ length: size(outFull) }, () => []);
  const strides = outFull.map((_, i) => size(outFull.slice(i + 1)));
  const n = size(dims);
  for (let flat = 0; flat < n; flat++) {
    let rem = flat, o = 0;
    for (let i = dims.length - 1; i >= 0; i--) {
      const c = rem % dims[i];
      rem = Math.floor(rem / dims[i]);
      if (!reduced.has(i)) o += c * strides[i];
    }
    groups[o].push(flat);
  }
  return { dims: keepdims ? outFull : dims.filter((_, i) => !reduced.has(i)), groups };
}

export function intAttr(node: Node, name: string, dflt: number): number {
  const v = node.attrs[name];
  if (v === undefined) return dflt;
  if (typeof v !== "number") throw new ProverError(`${nodeRef(node)}: attribute ${name} must be an integer`);
  return v;
}
