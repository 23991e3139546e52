/**
 * Reads a float ONNX graph that is a chain of dense layers (Gemm, or MatMul + Add) with Relu
 * between them into plain weight matrices. Issue #3 widens this to convolutions and pooling.
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";

export interface DenseLayer {
  name: string;
  /** Row-major [nIn][nOut]. */
  w: Float64Array;
  b: Float64Array;
  nIn: number;
  nOut: number;
  relu: boolean;
}

function init(graph: Graph, node: Node, i: number, idx: number): Tensor {
  const t = graph.initializers.get(node.inputs[idx]);
  if (!t || t.dtype !== "float32") {
    throw new ProverError(`node ${node.name} (#${i}, ${node.opType}): input ${idx} must be a float32 initializer`);
  }
  return t;
}

export function readDenseChain(graph: Graph): DenseLayer[] {
  const layers: DenseLayer[] = [];
  graph.nodes.forEach((node, i) => {
    const where = `node ${node.name} (#${i}, ${node.opType})`;
    if (node.opType === "Gemm" || node.opType === "MatMul") {
      const wt = init(graph, node, i, 1);
      const transB = node.attrs.transB === 1;
      if (node.attrs.transA === 1) throw new ProverError(`${where}: transA=1 is not supported`);
      const alpha = Number(node.attrs.alpha ?? 1), beta = Number(node.attrs.beta ?? 1);
      const [r, c] = wt.dims;
      const nIn = transB ? c : r, nOut = transB ? r : c;
      const w = new Float64Array(nIn * nOut);
      for (let a = 0; a < nIn; a++)
        for (let o = 0; o < nOut; o++) w[a * nOut + o] = alpha * Number(transB ? wt.data[o * nIn + a] : wt.data[a * nOut + o]);
      const b = new Float64Array(nOut);
      if (node.opType === "Gemm" && node.inputs[2]) {
        const bt = init(graph, node, i, 2);
        for (let o = 0; o < nOut; o++) b[o] = beta * Number(bt.data[bt.data.length === 1 ? 0 : o]);
      }
      layers.push({ name: node.name, w, b, nIn, nOut, relu: false });
    } else if (node.opType === "Add") {
      const last = layers[layers.length - 1];
      const bt = graph.initializers.get(node.inputs[1]) ?? graph.initializers.get(node.inputs[0]);
      if (!last || last.relu || !bt) throw new ProverError(`${where}: Add is supported only as the bias of a MatMul`);
      for (let o = 0; o < last.nOut; o++) last.b[o] += Number(bt.data[bt.data.length === 1 ? 0 : o]);
    } else if (node.opType === "Relu") {
      const last = layers[layers.length - 1];
      if (!last || last.relu) throw new ProverError(`${where}: Relu must follow a dense layer`);
      last.relu = true;
    } else {
      throw new ProverError(`${where}: unsupported op in a float dense chain (supported: Gemm, MatMul, Add, Relu)`);
    }
  });
  if (layers.length === 0) throw new ProverError("graph has no dense layer");
  return layers;
}

export function denseForward(layers: DenseLayer[], x: ArrayLike<number>): Float64Array[] {
  const acts: Float64Array[] = [Float64Array.from(x)];
  for (const L of layers) {
    const a = acts[acts.length - 1];
    const z = Float64Array.from(L.b);
    for (let i = 0; i < L.nIn; i++) for (let j = 0; j < L.nOut; j++) z[j] += a[i] * L.w[i * L.nOut + j];
    if (L.relu) z.forEach((v, j) => (z[j] = Math.max(0, v)));
    acts.push(z);
  }
  return acts;
}
