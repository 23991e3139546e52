/**
 * simplifyFloatGraph: a float ONNX graph as PyTorch or Keras export it, turned into the
 * canonical chain the quantizer reads (Conv, Gemm, MatMul, Add, Relu, MaxPool, AveragePool,
 * Flatten, Reshape, and Univariate: one activation with its float function). Passes, in order: activation fusion (GELU/SiLU
 * patterns, Sigmoid, Tanh, ...: univariate.ts), constant folding with shape inference, Identity/Dropout
 * removal, BatchNormalization folding (one on the input forward), final Softmax dropping, dead-node pruning; then every
 * op left is checked to be canonical, Reshape targets are made explicit and Gemm alpha/beta
 * folded into the constants.
 */
import type { Graph, Node } from "../onnx/graph.ts";
import { tensor } from "../onnx/graph.ts";
import { CANONICAL_OPS, supportedOpsText } from "./kernels.ts";
import { foldConstants } from "./fold-constants.ts";
import { removePassThrough } from "./passthrough.ts";
import { foldBatchNorms } from "./fold-batchnorm.ts";
import { dropFinalSoftmax } from "./softmax.ts";
import { foldGemmScales } from "./gemm-scales.ts";
import { Work } from "./work.ts";
import { fuseActivations, UNIVARIATE } from "./univariate.ts";
import { foldInputBatchNorms } from "./fold-input-batchnorm.ts";

/** Removes nodes nothing reads (back to front, so whole dead chains go), then unread initializers. */
function prune(w: Work): void {
  let dead = 0;
  for (let i = w.nodes.length - 1; i >= 0; i--) {
    const n = w.nodes[i];
    if (!n.outputs.some((o) => w.used(o))) {
      w.remove(n);
      dead++;
    }
  }
  if (dead) w.notes.push(`removed ${dead} node(s) no output depends on`);
  const read = new Set(w.nodes.flatMap((n) => n.inputs));
  for (const name of [...w.inits.keys()]) if (!read.has(name)) w.inits.delete(name);
}

/** Gives every Reshape an explicit target shape (no 0 or -1): the dims are known by now. */
function explicitReshapes(w: Work): void {
  for (const n of w.nodes.filter((n) => n.opType === "Reshape")) {
    const dims = w.dims.get(n.outputs[0])!;
    const name = w.fresh(`${n.name}_shape`);
    w.inits.set(name, tensor("int64", [dims.length], BigInt64Array.from(dims, BigInt)));
    n.inputs = [n.inputs[0], name];
    delete n.attrs.allowzero;
  }
}

/**
 * Returns a new canonical graph (the input graph is not modified), notes on what was changed,
 * for the manifest, and each canonical node's index in the original graph, so that later
 * refusals (the quantizer's) name the node as the user exported it. Throws ProverError naming
 * the node (name, original index, op type) of anything it cannot turn into canonical ops.
 * Example: `const { graph, notes } = simplifyFloatGraph(readOnnx(bytes))`
 */
export function simplifyFloatGraph(graph: Graph): { graph: Graph; notes: string[]; fileIndex: (node: Node) => number } {
  const w = new Work(graph);
  // Before constant folding: GELU's Div by sqrt 2 is on a run-time value.
  fuseActivations(w);
  foldConstants(w);
  removePassThrough(w);
  foldInputBatchNorms(w);
  foldBatchNorms(w);
  dropFinalSoftmax(w);
  prune(w);
  for (const n of w.nodes) {
    if (!CANONICAL_OPS.includes(n.opType) && n.opType !== UNIVARIATE) w.refuse(n, `unsupported op; ${supportedOpsText()}`);
  }
  explicitReshapes(w);
  foldGemmScales(w);
  // Unread optional outputs (MaxPool's Indices) go, so every canonical node but Split has one output.
  for (const n of w.nodes) if (n.opType !== "Split") n.outputs = [n.outputs[0]];
  prune(w);
  return { graph: w.toGraph(), notes: w.notes, fileIndex: (n) => w.fileIndex(n) };
}
