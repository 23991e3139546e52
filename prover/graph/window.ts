/**
 * Sliding-window geometry shared by Conv, MaxPool and AveragePool: kernel, strides,
 * dilations and pads (explicit or auto_pad) turned into output sizes. 1-D ops are lifted to
 * 2-D with a height of 1, so the kernels only ever loop over two spatial axes.
 */
import type { Node } from "../onnx/graph.ts";
import { fail, intAttr, intsAttr, strAttr, type OpContext } from "./value.ts";

export interface Window2d {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** Pads before (top, left) and after (bottom, right). */
  begin: [number, number];
  end: [number, number];
  inSize: [number, number];
  outSize: [number, number];
}

function two(v: number[], lifted: boolean): [number, number] {
  return lifted ? [1, v[0]] : [v[0], v[1]];
}

/**
 * Geometry of a window op over input dims [N, C, ...spatial] (1 or 2 spatial axes).
 * `kernel` is the kernel's spatial dims (from the weight for Conv, kernel_shape for pools).
 */
export function window2d(node: Node, inDims: number[], kernel: number[], ctx: OpContext): Window2d {
  const nsp = inDims.length - 2;
  if (nsp !== 1 && nsp !== 2) fail(ctx, `only 1-D and 2-D windows are supported, input has dims [${inDims}]`);
  if (kernel.length !== nsp) fail(ctx, `kernel [${kernel}] does not match input dims [${inDims}]`);
  const strides = intsAttr(node, "strides") ?? new Array(nsp).fill(1);
  const dilations = intsAttr(node, "dilations") ?? new Array(nsp).fill(1);
  const spatial = inDims.slice(2);
  const autoPad = strAttr(node, "auto_pad", "NOTSET");
  const ceil = intAttr(node, "ceil_mode", 0) === 1;
  let pads = intsAttr(node, "pads") ?? new Array(2 * nsp).fill(0);
  if (autoPad === "VALID") pads = new Array(2 * nsp).fill(0);
  else if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
    // Output size is ceil(in / stride); the extra pad goes at the end for SAME_UPPER.
    pads = new Array(2 * nsp).fill(0);
    for (let i = 0; i < nsp; i++) {
      const out = Math.ceil(spatial[i] / strides[i]);
      const total = Math.max(0, (out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - spatial[i]);
      const small = Math.floor(total / 2);
      pads[i] = autoPad === "SAME_UPPER" ? small : total - small;
      pads[i + nsp] = total - pads[i];
    }
  } else if (autoPad !== "NOTSET") fail(ctx, `auto_pad ${autoPad} is not supported`);
  const outSize = spatial.map((n, i) => {
    const span = (kernel[i] - 1) * dilations[i] + 1;
    const room = n + pads[i] + pads[i + nsp] - span;
    if (room < 0) fail(ctx, `window ${span} is larger than padded input ${n + pads[i] + pads[i + nsp]}`);
    let out = (ceil ? Math.ceil(room / strides[i]) : Math.floor(room / strides[i])) + 1;
    // With ceil_mode, a last window that would start inside the end padding is dropped.
    if (ceil && (out - 1) * strides[i] >= n + pads[i]) out--;
    return out;
  });
  const lifted = nsp === 1;
  return {
    kernel: two(kernel, lifted),
    strides: two(strides, lifted),
    dilations: two(dilations, lifted),
    begin: lifted ? [0, pads[0]] : [pads[0], pads[1]],
    end: lifted ? [0, pads[1]] : [pads[2], pads[3]],
    inSize: two(spatial, lifted),
    outSize: two(outSize, lifted),
  };
}

/** The output dims [N, M, ...outSize] in the op's own rank. */
export function windowOutDims(inDims: number[], channels: number, w: Window2d): number[] {
  const sp = inDims.length === 3 ? [w.outSize[1]] : [...w.outSize];
  return [inDims[0], channels, ...sp];
}
