/**
 * Scaling a weight tensor per output channel (one axis), the core of BatchNormalization
 * folding. Kept apart so the arithmetic is checked on its own in float64 before it is
 * rounded once to float32.
 */
import { ProverError } from "../errors.ts";
import { tensor, type Tensor } from "../onnx/graph.ts";
import { fromTensor, size } from "./value.ts";

/** Per-channel multiplier and shift of a folded BatchNormalization. */
export interface Channels {
  mul: Float64Array;
  add: Float64Array;
}

/** A new float32 tensor: t * alpha * mul[c], where c is the index along `axis`. */
export function scaleChannels(t: Tensor, axis: number, mul: Float64Array, alpha = 1): Tensor {
  const v = fromTensor(t);
  const n = v.dims[axis], inner = size(v.dims.slice(axis + 1));
  if (n !== mul.length) throw new ProverError(`weight: axis ${axis} of [${v.dims}] has ${n} channels, not ${mul.length}`);
  const out = new Float32Array(v.data.length);
  for (let i = 0; i < out.length; i++) out[i] = v.data[i] * alpha * mul[Math.floor(i / inner) % n];
  return tensor("float32", [...v.dims], out);
}
