/**
 * Folding inference-mode BatchNormalization into the layer before it. With
 * s = gamma / sqrt(var + eps) per output channel: W' = W * s, b' = (b - mean) * s + beta.
 * Only a BatchNormalization that alone reads a Conv, Gemm or MatMul(+Add) output with constant
 * weights can be folded; any other (after a pool, a residual Add, a Concat, ...) is kept as a
 * per-channel affine x * mul[c] + add[c]: a Mul and an Add by constants, which the quantizer
 * turns into free integer operations.
 */
import type { Node, Tensor } from "../onnx/graph.ts";
import { ProverError } from "../errors.ts";
import { batchNormCoefficients } from "./kernels-normalize.ts";
import { broadcastDims, broadcastStrides, fromTensor, size, toTensor } from "./value.ts";
import type { Work } from "./work.ts";
import { scaleChannels, type Channels } from "./scale-channels.ts";

const RULE = "a BatchNormalization needs constant scale, B, mean and var and inference mode";

/** Bias b (any shape broadcasting to [n]) mapped to b*mul + add per channel, as a new initializer. */
function foldBias(w: Work, base: string, b: Tensor | undefined, scale: number, c: Channels): string {
  const bv = b ? fromTensor(b) : { dims: [c.mul.length], data: new Float64Array(c.mul.length) };
  const dims = broadcastDims(bv.dims, [c.mul.length], { opset: w.opset, where: base });
  const strides = broadcastStrides(bv.dims, dims);
  const out = new Float64Array(size(dims));
  const n = c.mul.length;
  for (let i = 0; i < out.length; i++) {
    let rem = i, src = 0;
    for (let d = dims.length - 1; d >= 0; d--) {
      src += (rem % dims[d]) * strides[d];
      rem = Math.floor(rem / dims[d]);
    }
    // The last axis is the channel: broadcasting against [n] made it so.
    out[i] = scale * bv.data[src] * c.mul[i % n] + c.add[i % n];
  }
  const name = w.fresh(`${base}_bnfold`);
  w.inits.set(name, toTensor({ dims, data: out, kind: "float" }));
  return name;
}

/** Replaces input `k` of `node` (a constant weight) by its per-channel scaled copy. */
function foldWeight(w: Work, node: Node, k: number, axis: number, c: Channels, alpha = 1): void {
  const name = w.fresh(`${node.inputs[k]}_bnfold`);
  w.inits.set(name, scaleChannels(w.inits.get(node.inputs[k])!, axis, c.mul, alpha));
  node.inputs[k] = name;
}

export function foldBatchNorms(w: Work): void {
  for (const bn of w.nodes.filter((n) => n.opType === "BatchNormalization")) {
    const refuse: (reason: string) => never = (reason) => w.refuse(bn, `cannot be folded: ${reason}; ${RULE}`);
    if (bn.attrs.training_mode === 1) refuse("training_mode=1");
    if (bn.outputs.slice(1).some((o) => w.used(o))) refuse("its running mean/var outputs are read");
    const params = bn.inputs.slice(1, 5).map((n) => w.inits.get(n));
    if (params.length < 4 || params.some((t) => !t)) refuse("scale, B, mean and var must be constants");
    const x = bn.inputs[0];
    // Shape inference records the values nodes make; a graph input's dims are its declared ones
    // (symbolic dims resolved to 1 by then).
    const dims = w.dims.get(x) ?? (w.inputs.find((v) => v.name === x)?.dims.map((d) => (typeof d === "number" ? d : 1)));
    if (!dims || dims.length < 2) refuse(`its input ${x} has no channel axis (dims [${dims ?? "unknown"}])`);
    const ctx = { opset: w.opset, where: w.where(bn) };
    const c = batchNormCoefficients(bn, [undefined, ...params.map((t) => fromTensor(t!))], dims[1], ctx);
    let target: Node;
    try {
      target = foldInto(w, bn, x, dims, c);
    } catch (e) {
      if (!(e instanceof ProverError)) throw e;
      keepAffine(w, bn, x, dims, c);
      continue;
    }
    w.remove(bn);
    w.rename(x, bn.outputs[0]);
    w.notes.push(`BatchNormalization ${bn.name} folded into ${w.where(target)}`);
  }
}

/** Folds `bn` into the layer that makes x; throws a ProverError (before changing anything) when it cannot. */
function foldInto(w: Work, bn: Node, x: string, dims: number[], c: Channels): Node {
  const refuse: (reason: string) => never = (reason) => w.refuse(bn, `cannot be folded: ${reason}`);
  const layer = w.producer(x);
  if (!layer) refuse(`its input ${x} is a graph input`);
  if (w.consumers(x).length !== 1 || w.isOutput(x)) refuse(`its input ${x} is also read elsewhere`);
  let target = layer;
  const constant = (n: Node, k: number) => w.inits.has(n.inputs[k]) || refuse(`the weights of ${w.where(n)} are not constant`);
  if (layer.opType === "Conv") {
    constant(layer, 1);
    foldWeight(w, layer, 1, 0, c);
    layer.inputs[2] = foldBias(w, `${layer.name}_B`, layer.inputs[2] ? w.inits.get(layer.inputs[2]) : undefined, 1, c);
  } else if (layer.opType === "Gemm") {
    constant(layer, 1);
    if (layer.inputs[2] && !w.inits.has(layer.inputs[2])) refuse(`the bias of ${w.where(layer)} is not constant`);
    const alpha = Number(layer.attrs.alpha ?? 1), beta = Number(layer.attrs.beta ?? 1);
    foldWeight(w, layer, 1, layer.attrs.transB === 1 ? 0 : 1, c, alpha);
    layer.inputs[2] = foldBias(w, `${layer.name}_C`, layer.inputs[2] ? w.inits.get(layer.inputs[2]) : undefined, beta, c);
    // alpha and beta are now inside B and C.
    delete layer.attrs.alpha;
    delete layer.attrs.beta;
  } else if (layer.opType === "MatMul" || layer.opType === "Add") {
    target = foldDense(w, layer, dims, c, refuse);
  } else {
    refuse(`its input ${x} comes from ${w.where(layer)}`);
  }
  return target;
}

/** bn as x * mul + add with per-channel constants of dims [C, 1, ...] (broadcasting over [N, C, ...]). */
function keepAffine(w: Work, bn: Node, x: string, dims: number[], c: Channels): void {
  const cdims = [dims[1], ...dims.slice(2).map(() => 1)];
  const mul = w.fresh(`${bn.name}_mul`), add = w.fresh(`${bn.name}_add`), mid = w.fresh(`${bn.outputs[0]}_scaled`);
  w.inits.set(mul, toTensor({ dims: cdims, data: c.mul, kind: "float" }));
  w.inits.set(add, toTensor({ dims: cdims, data: c.add, kind: "float" }));
  const at = w.nodes.indexOf(bn);
  const m: Node = { name: w.fresh(`${bn.name}_scale`), opType: "Mul", inputs: [x, mul], outputs: [mid], attrs: {} };
  const a: Node = { name: w.fresh(`${bn.name}_shift`), opType: "Add", inputs: [mid, add], outputs: [bn.outputs[0]], attrs: {} };
  w.nodes.splice(at, 1, w.adopt(m, bn), w.adopt(a, bn));
  w.dims.set(mid, dims);
  w.notes.push(`BatchNormalization ${bn.name} kept as a per-channel affine (Mul, Add): nothing before it to fold into`);
}

/**
 * MatMul with a constant [K, N] weight, alone or under its bias Add: scales the weight's
 * columns and puts the shift in the bias (making an Add when there is none). Returns the MatMul.
 */
function foldDense(w: Work, layer: Node, dims: number[], c: Channels, refuse: (r: string) => never): Node {
  if (dims.length !== 2) refuse(`its input has dims [${dims}]: only a 2-D MatMul output has its channels last`);
  let matmul = layer, biasAt = -1;
  if (layer.opType === "Add") {
    biasAt = layer.inputs.findIndex((n) => w.inits.has(n));
    const mm = w.producer(layer.inputs[1 - biasAt]);
    if (biasAt < 0 || !mm || mm.opType !== "MatMul" || w.consumers(mm.outputs[0]).length !== 1 || w.isOutput(mm.outputs[0])) {
      refuse(`its input comes from ${w.where(layer)}, which is not the bias of a MatMul`);
    }
    matmul = mm;
  }
  if (!w.inits.has(matmul.inputs[1]) || w.inits.get(matmul.inputs[1])!.dims.length !== 2) refuse(`the weights of ${w.where(matmul)} are not a constant 2-D matrix`);
  foldWeight(w, matmul, 1, 1, c);
  if (biasAt >= 0) {
    layer.inputs[biasAt] = foldBias(w, `${layer.name}_bias`, w.inits.get(layer.inputs[biasAt]), 1, c);
    return matmul;
  }
  // A bare MatMul gains an Add carrying the folded shift.
  const out = matmul.outputs[0], pre = w.fresh(`${out}_matmul`);
  matmul.outputs[0] = pre;
  const add: Node = { name: w.fresh(`${matmul.name}_bias`), opType: "Add", inputs: [pre, foldBias(w, `${matmul.name}_bias`, undefined, 1, c)], outputs: [out], attrs: {} };
  w.nodes.splice(w.nodes.indexOf(matmul) + 1, 0, w.adopt(add, matmul));
  w.dims.set(pre, dims);
  return matmul;
}
