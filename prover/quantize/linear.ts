/**
 * The quantizer's linear layers: Gemm, MatMul (+ the Add after it) and Conv become
 * MatMulInteger / ConvInteger with int8 weights at a power-of-two scale, plus an int32 bias
 * at the accumulator's scale. Refuses, naming the node, a layer whose int32 accumulator could
 * overflow for some int8 input.
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { tensor } from "../onnx/graph.ts";
import { maxAbs, shiftFor } from "./scales.ts";
import { window2d } from "../graph/window.ts";
import { actBound, INT32_LIMIT, type QuantizeContext } from "./context.ts";

export type FloatValues = Map<string, { dims: number[]; data: ArrayLike<number> }>;

export interface LinearLayer {
  /** The float tensor this layer's int32 accumulator stands for (the Add's output for MatMul + Add). */
  output: string;
  /** The int8 weight initializer and the int32 bias initializer. */
  weight: string;
  bias: string;
  /** The shift of the coarsest channel (all channels, without per-channel scales). */
  weightShift: number;
  /** Each output channel's weight shift, with per-channel scales. */
  weightShifts?: number[];
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
    // Only a per-output-channel constant is a bias; one over rows too (a positional table, a
    // widening broadcast) stays an Add of its own.
    const perChannel = bt !== undefined && (bt.data.length === 1 || bt.data.length === nOut) && bt.dims.slice(0, -1).every((d) => d === 1);
    if (add && bt && perChannel) {
      addBias(bt, 1);
      output = add.outputs[0];
    }
  }
  return { w, b, nIn, nOut, output, wDims: [nIn, nOut] };
}

/**
 * Weight shifts per output channel: channel o's weights at 2^sw[o], its accumulator multiplied
 * by 2^(T - sw[o]) to reach the common 2^T (free in R1CS), T as fine as the int32 bound allows.
 * Without per-channel scales every channel takes the coarsest shift.
 */
function channelShifts(w: Float64Array, fanOut: number, perOut: (o: number) => number[], xBound: number, b: Float64Array, sIn: number, perChannel: boolean): { sw: number[]; T: number } {
  // An all-zero channel (a pruned filter, a dead unit) is exact at any scale: it must not set
  // the layer's (shiftFor(0) = 0 would quantize every other channel at 2^0).
  const peaks = Array.from({ length: fanOut }, (_, o) => maxAbs(perOut(o).map((k) => w[k])));
  const live = peaks.filter((m) => m > 0).map((m) => shiftFor(m, 127));
  const coarsest = live.length ? Math.min(...live) : 0;
  const own = peaks.map((m) => (m > 0 ? shiftFor(m, 127) : coarsest));
  if (!perChannel) return { sw: own.map(() => coarsest), T: coarsest };
  const bound = (T: number) => {
    let m = 0;
    for (let o = 0; o < fanOut; o++) {
      const s = Math.min(own[o], T);
      const taps = perOut(o).reduce((a, k) => a + Math.abs(Math.round(w[k] * 2 ** s)), 0);
      m = Math.max(m, taps * xBound * 2 ** (T - s) + Math.abs(b[o]) * 2 ** (sIn + T));
    }
    return m;
  };
  let T = Math.max(...own);
  while (T > coarsest && bound(T) >= INT32_LIMIT) T--;
  return { sw: own.map((s) => Math.min(s, T)), T };
}

/** Reshape of `x` to `dims`, written to `out` exactly, or to a fresh name made from `base`. */
function reshapeTo(ctx: QuantizeContext, x: string, dims: number[], base: string, out = ctx.fresh(base)): string {
  const shape = ctx.fresh(`${base}.shape`);
  ctx.inits.set(shape, tensor("int64", [dims.length], BigInt64Array.from(dims, BigInt)));
  return ctx.emit("Reshape", [x, shape], out, {}, ctx.fresh(`${base}.reshape`));
}

export function linearLayer(graph: Graph, node: Node, i: number, x: { name: string; shift: number; unsigned?: boolean; dims?: number[] }, ctx: QuantizeContext, perChannel = false, wOverride?: Tensor): LinearLayer {
  const where = `node ${node.name} (#${i}, ${node.opType})`;
  const p = node.name;
  let w: Float64Array, b: Float64Array, output: string, wDims: number[], fanOut: number, perOut: (o: number) => number[];
  if (node.opType === "Conv") {
    const wt = wOverride ?? floatInit(graph, node, i, 1);
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
  const xb = actBound(x);
  const { sw, T } = channelShifts(w, fanOut, perOut, xb, b, x.shift, perChannel);
  const accShift = x.shift + T;
  const wq = new Int8Array(w.length);
  for (let o = 0; o < fanOut; o++) for (const k of perOut(o)) wq[k] = Math.max(-127, Math.min(127, Math.round(w[k] * 2 ** sw[o])));
  const bq = Int32Array.from(b, (v) => Math.round(v * 2 ** accShift));
  let maxAccumulator = 0;
  for (let o = 0; o < fanOut; o++) {
    const s = perOut(o).reduce((acc, k) => acc + Math.abs(wq[k]) * xb, 0) * 2 ** (T - sw[o]) + Math.abs(bq[o]);
    maxAccumulator = Math.max(maxAccumulator, s);
  }
  // 2^30 leaves room for the rounding constant the Relu after it folds into the bias.
  if (maxAccumulator >= INT32_LIMIT) throw new ProverError(`${where}: int32 accumulator may overflow (bound ${maxAccumulator}); lower the input scale`);
  const chanDims = node.opType === "Conv" ? [1, fanOut, 1, 1] : [fanOut];
  // A 1-D Conv runs as a 2-D one of height 1, a MatMul on more than two axes on the rows of a
  // matrix: the integer evaluator and the circuit take those forms. Both reshapes are rewiring.
  const lift = node.opType === "Conv" && wDims.length === 3;
  const rows = node.opType !== "Conv" && (x.dims?.length ?? 2) > 2;
  if ((lift || rows) && !x.dims) throw new ProverError(`${where}: internal: input dims unknown`);
  ctx.inits.set(`${p}.wq`, { dtype: "int8", dims: lift ? [wDims[0], wDims[1], 1, wDims[2]] : wDims, data: wq });
  const biasName = `${p}.bq`;
  ctx.inits.set(biasName, { dtype: "int32", dims: chanDims, data: bq });
  const multiplied = sw.some((s) => s !== T);
  const acc = multiplied ? `${p}.acc0` : `${p}.acc`;
  let xin = x.name;
  if (node.opType === "Conv") {
    const attrs: Node["attrs"] = {};
    for (const k of ["kernel_shape", "strides", "pads", "dilations", "group"]) if (node.attrs[k] !== undefined) attrs[k] = node.attrs[k];
    // auto_pad (Keras/TF exports) is made explicit pads: where SAME puts the odd pad is fixed here.
    if (node.attrs.auto_pad !== undefined && node.attrs.auto_pad !== "NOTSET") {
      if (!x.dims) throw new ProverError(`${where}: internal: input dims unknown for auto_pad`);
      const win = window2d(node, x.dims, wDims.slice(2), { opset: 17, where });
      attrs.pads = [...win.begin, ...win.end];
    }
    if (lift) {
      const [N, C, L] = x.dims!;
      xin = reshapeTo(ctx, xin, [N, C, 1, L], `${p}.x2d`);
      // window2d states a 1-D window as a 2-D one of height 1, its pads resolved.
      const win = window2d(node, x.dims!, wDims.slice(2), { opset: 17, where });
      Object.assign(attrs, { kernel_shape: win.kernel, strides: win.strides, dilations: win.dilations, pads: [...win.begin, ...win.end] });
    }
    ctx.emit("ConvInteger", [xin, `${p}.wq`], acc, attrs, `${p}.conv`);
  } else {
    // Gemm's transA: the 2-D input is transposed first (rewiring, free).
    if (node.attrs.transA === 1) xin = ctx.emit("Transpose", [xin], ctx.fresh(`${p}.xT`), { perm: [1, 0] }, ctx.fresh(`${p}.transA`));
    if (rows) xin = reshapeTo(ctx, xin, [x.dims!.slice(0, -1).reduce((a, d) => a * d, 1), x.dims!.at(-1)!], `${p}.rows`);
    ctx.emit("MatMulInteger", [xin, `${p}.wq`], acc, {}, `${p}.matmul`);
  }
  if (multiplied) ctx.emit("Mul", [acc, ctx.i32(`${p}.mult`, sw.map((s) => 2 ** (T - s)), chanDims)], `${p}.acc`, {}, `${p}.align`);
  if (lift || rows) reshapeTo(ctx, ctx.emit("Add", [`${p}.acc`, biasName], ctx.fresh(`${p}.y`), {}, `${p}.bias`), ctx.dimsOf(output), `${p}.out`, output);
  else ctx.emit("Add", [`${p}.acc`, biasName], output, {}, `${p}.bias`);
  return { output, weight: `${p}.wq`, bias: biasName, weightShift: Math.min(...sw), weightShifts: perChannel ? sw : undefined, accShift, maxAccumulator };
}
