/**
 * The contract shared by the layers of the small float64 training library in this folder.
 * Tensors are flat Float64Arrays in PyTorch's NCHW order (batch first), so a layer's output
 * feeds the next one without copies and a flatten is free. Each layer keeps what its forward
 * pass needs for the backward pass (the last batch only).
 */

/** A trainable tensor and the gradient accumulated for it by the last backward pass. */
export interface Param {
  name: string;
  /** Dims in the layout ONNX stores: Conv [out, in, k, k], Gemm [out, in] (transB=1), bias [out]. */
  dims: number[];
  value: Float64Array;
  grad: Float64Array;
  /** Weight decay applies to weights, not biases. */
  decay: boolean;
}

export interface Layer {
  readonly kind: "conv" | "relu" | "avgpool" | "flatten" | "dense";
  /** Shape of one sample's input and output, e.g. [C, H, W] or [N]. */
  readonly inShape: number[];
  readonly outShape: number[];
  readonly params: Param[];
  /** Forward pass of `batch` samples laid out one after the other. */
  forward(x: Float64Array, batch: number): Float64Array;
  /** Given dLoss/dOutput of the last forward batch: adds to the params' grads, returns dLoss/dInput. */
  backward(dy: Float64Array): Float64Array;
}

/** What a network is made of; the same list drives training and ONNX export. */
export type LayerSpec =
  | { type: "conv"; filters: number; kernel: number }
  | { type: "relu" }
  | { type: "avgpool" }
  | { type: "flatten" }
  | { type: "dense"; units: number };

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function param(name: string, dims: number[], decay: boolean): Param {
  const n = size(dims);
  return { name, dims, value: new Float64Array(n), grad: new Float64Array(n), decay };
}
