/**
 * The float kernel registry and the op vocabulary of the simplifier: which ops a canonical
 * graph may contain, which are folded at compile time, and which are removed or dropped.
 */
import { ProverError } from "../errors.ts";
import type { FloatOp } from "./value.ts";
import { Conv } from "./kernels-conv.ts";
import { AveragePool, GlobalAveragePool, GlobalMaxPool, MaxPool } from "./kernels-pool.ts";
import { ConvTranspose } from "./kernels-conv-transpose.ts";
import { Resize, Upsample } from "./kernels-resize.ts";
import { Pad } from "./kernels-pad.ts";
import { Split } from "./kernels-split.ts";
import { DepthToSpace, SpaceToDepth } from "./kernels-space.ts";
import { Expand, Tile } from "./kernels-tile.ts";
import { Max, Mean, Min, Sum } from "./kernels-variadic.ts";
import { ArgMax, ArgMin, ReduceMax, ReduceMean, ReduceMin, ReduceSum } from "./kernels-reduce.ts";
import { Abs, Celu, Clip, Elu, Erf, Exp, HardSigmoid, HardSwish, LeakyRelu, Log, Mish, Neg, Reciprocal, Selu, Sigmoid, Sign, Softplus, Softsign, Sqrt, Tanh } from "./kernels-activation.ts";
import { Gemm, MatMul } from "./kernels-dense.ts";
import { Add, Div, Dropout, Identity, Mul, Pow, PRelu, Relu, Sub } from "./kernels-elementwise.ts";
import { BatchNormalization, LogSoftmax, Softmax } from "./kernels-normalize.ts";
import { Flatten, Reshape, Shape, Squeeze, Transpose, Unsqueeze } from "./kernels-reshape.ts";
import { Cast, Concat, Constant, ConstantOfShape, Gather, Slice } from "./kernels-const.ts";
import { UnivariateKernel, UNIVARIATE_FUNCTIONS } from "./univariate.ts";

export const KERNELS: ReadonlyMap<string, FloatOp> = new Map(
  [
    Conv, MaxPool, AveragePool, Gemm, MatMul, Add, Sub, Mul, Div, Relu, Identity, Dropout,
    BatchNormalization, Softmax, LogSoftmax, Flatten, Reshape, Shape, Squeeze, Unsqueeze,
    Transpose, Cast, Concat, Constant, Gather, Slice,
    // Evaluated, not yet simplified: float exports are calibrated and compared with them.
    GlobalAveragePool, GlobalMaxPool, ConvTranspose, Resize,
    Sigmoid, Tanh, Erf, LeakyRelu, Elu, Softplus, HardSigmoid, HardSwish, Clip,
    Selu, Celu, Softsign, Mish, Exp, Log, Sqrt, Reciprocal, Abs, Neg, Sign, Pow, PRelu,
    UnivariateKernel,
    // Rewiring, run-time x run-time and reductions.
    Split, Pad, DepthToSpace, SpaceToDepth, Expand, Tile, Upsample, Max, Min, Sum, Mean,
    ReduceMax, ReduceMin, ReduceMean, ReduceSum, ArgMax, ArgMin,
    // Folded: exporters build Pad's pads with it.
    ConstantOfShape,
  ].map((op) => [op.opType, op]),
);

/** The ops a simplified graph consists of. */
export const CANONICAL_OPS: readonly string[] = [
  "Conv", "ConvTranspose", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Max", "Min", "Neg", "Relu",
  "MaxPool", "AveragePool", "GlobalAveragePool", "GlobalMaxPool", "ReduceMean", "ReduceSum", "ReduceMax", "ArgMax",
  "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze", "Slice", "Split", "Concat", "Pad", "Resize", "Upsample",
  "DepthToSpace", "SpaceToDepth", "Expand", "Tile", "Gather",
];

/** Ops accepted only when all their inputs are known at compile time: they are folded away. */
export const FOLDED_OPS: readonly string[] = ["Constant", "Shape", "Cast"];

/** Ops removed (Identity, Dropout), folded into the layer before (BatchNormalization) or dropped at the end (Softmax). */
export const REMOVED_OPS: readonly string[] = ["Identity", "Dropout", "BatchNormalization", "Softmax", "LogSoftmax"];

/** The "supported: ..." tail of every unsupported-op refusal. */
export function supportedOpsText(): string {
  return `supported: ${CANONICAL_OPS.join(", ")}; activations (one lookup table each): ${UNIVARIATE_FUNCTIONS.join(", ")}; removed or folded: ${REMOVED_OPS.join(", ")}; ` +
    `folded when constant: ${FOLDED_OPS.join(", ")}`;
}

export function kernelFor(opType: string, where: string): FloatOp {
  const k = KERNELS.get(opType);
  if (!k) throw new ProverError(`${where}: unsupported op; ${supportedOpsText()}`);
  return k;
}

export function nodeWhere(name: string, index: number, opType: string): string {
  return `node ${name} (#${index}, ${opType})`;
}
