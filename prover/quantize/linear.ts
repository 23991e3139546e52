/**
 * The quantizer's linear layers: Gemm, MatMul (+ the Add after it) and Conv become
 * MatMulInteger / ConvInteger with int8 weights at a power-of-two scale, plus an int32 bias
 * at the accumulator's scale. Refuses, naming the node, a layer whose int32 accumulator could
 * overflow for some int8 input.
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { maxAbs, quantizeWeights, shiftFor } from "./scales.ts";

export type FloatValues = Map<string, { dims: number[]; data: ArrayLike<number> }>;

export interface LinearLayer {
  /** The float tensor this layer's int32 accumulator stands for (the Add's output for MatMul + Add). */
  output: string;
  /** The int8 weight initializer and the int32 bias initializer. */
  weight: string;
  bias: string;
  weightShift: number;
  accShift: number;
  maxAccumulator: number;
}

function floatInit(graph: Graph, node: Node, i: number, idx: number): Tensor {
  const t = graph.initializers.get(node.inputs[idx]);
  if (!t || t.dtype !== "float32") throw new ProverError(`node ${node.name} (#${i}, ${node.opType}): input ${idx} (${node.inputs[idx]}) must be a float32 initializer`);
  return t;
}

/** Weights as [nIn][nOut] row-major and the bias, for Gemm / MatMul (+Add). */
function denseParams(graph: Graph, node: Node, i: number) {
  const where = `node ${node.name} (#${i}, ${node.opType})`;
  const wt = floatInit(graph, node, i, 1);
  if (node.attrs.transA === 1) throw new ProverError(`${where}: transA=1 is not supported`);
  const transB = node.attrs.transB === 1;
  const alpha = Number(node.attrs.alpha ?? 1), beta = Number(node.attrs.beta ?? 1);
  const [r, c] = wt.dims;
  const nIn = transB ? c : r, nOut = transB ? r : c;
  const w = new Float64Array(nIn * nOut);
  for (let a = 0; a < nIn; a++) for (let o = 0; o < nOut; o++) w[a * nOut + o] = alpha * Number(transB ? wt.data[o * nIn + a] : wt.data[a * nOut + o]);
  const b = new Float64Array(nOut);
  let output = node.outputs[0];
  const addBias = (t: Tensor, scale: number) => {
    for (let o = 0; o < nOut; o++) b[o] += scale * Number(t.data[t.data.length === 1 ? 0 : o]);
  };
  if (node.opType === "Gemm" && node.inputs[2]) addBias(floatInit(graph, node, i, 2), beta);
  if (node.opType === "MatMul") {
    const users = graph.nodes.filter((n) => n.inputs.includes(output));
    const add = users.length === 1 && users[0].opType === "Add" ? users[0] : undefined;
    const other = add?.inputs.find((n) => n !== output);
    const bt = other ? graph.initializers.get(other) : undefined;
    if (add && bt) {
      addBias(bt, 1);
      output = add.outputs[0];
    }
  }
  return { w, b, nIn, nOut, output, wDims: [nIn, nOut] };
}

export function linearLayer(graph: Graph, node: Node, i: number, x: { name: string; shift: number; unsigned?: boolean }, inits: Map<string, Tensor>, nodes: Node[]): LinearLayer {
  const where = `node ${node.name} (#${i}, ${node.opType})`;
  const p = node.name;
  let w: Float64Array, b: Float64Array, output: string, wDims: number[], fanOut: number, perOut: (o: number) => number[];
  if (node.opType === "Conv") {
    const wt = floatInit(graph, node, i, 1);
    w = Float64Array.from(wt.data as Float32Array);
    wDims = wt.dims;
    fanOut = wDims[0];
    const per = w.length / fanOut;
    b = node.inputs[2] ? Float64Array.from(floatInit(graph, node, i, 2).data as Float32Array) : new Float64Array(fanOut);
    output = node.outputs[0];
    perOut = (o) => Array.from({ length: per }, (_, k) => o * per + k);
  } else {
    const d = denseParams(graph, node, i);
    ({ w, b, output, wDims } = d);
    fanOut = d.nOut;
    perOut = (o) => Array.from({ length: d.nIn }, (_, a) => a * d.nOut + o);
  }
  const sw = shiftFor(maxAbs(w), 127);
  const accShift = x.shift + sw;
  const wq = quantizeWeights(w, sw);
  const bq = Int32Array.from(b, (v) => Math.round(v * 2 ** accShift));
  let maxAccumulator = 0;
  for (let o = 0; o < fanOut; o++) {
    const s = perOut(o).reduce((acc, k) => acc + Math.abs(wq[k]) * (x.unsigned ? 255 : 128), Math.abs(bq[o]));
    maxAccumulator = Math.max(maxAccumulator, s);
  }
  // 2^30 leaves room for the rounding constant the Relu after it folds into the bias.
  if (maxAccumulator >= 2 ** 30) throw new ProverError(`${where}: int32 accumulator may overflow (bound ${maxAccumulator}); lower the input scale`);
  inits.set(`${p}.wq`, { dtype: "int8", dims: wDims, data: wq });
  const biasName = `${p}.bq`;
  inits.set(biasName, { dtype: "int32", dims: node.opType === "Conv" ? [1, fanOut, 1, 1] : [fanOut], data: bq });
  if (node.opType === "Conv") {
    const attrs: Node["attrs"] = {};
    for (const k of ["kernel_shape", "strides", "pads", "dilations", "group"]) if (node.attrs[k] !== undefined) attrs[k] = node.attrs[k];
    nodes.push({ name: `${p}.conv`, opType: "ConvInteger", inputs: [x.name, `${p}.wq`], outputs: [`${p}.acc`], attrs });
  } else {
    nodes.push({ name: `${p}.matmul`, opType: "MatMulInteger", inputs: [x.name, `${p}.wq`], outputs: [`${p}.acc`], attrs: {} });
  }
  nodes.push({ name: `${p}.bias`, opType: "Add", inputs: [`${p}.acc`, biasName], outputs: [output], attrs: {} });
  return { output, weight: `${p}.wq`, bias: biasName, weightShift: sw, accShift, maxAccumulator };
}
