/**
 * Float → integer quantizer for canonical graphs (prover/graph's simplifyFloatGraph output): any
 * DAG of the ops below, with a single input and output. Power-of-two scales everywhere, tracked
 * per value (context.ts), so every rescale is a Div by 2^k — one bit decomposition in the
 * circuit — and every alignment of two branches is a free multiplication by 2^d:
 *   input   q = clamp(round(x * 2^sx), -128, 127)                               int8
 *   linear  acc = MatMulInteger / ConvInteger (q, W_q) + b_q at scale 2^(s_in + s_w)  int32
 *           (ConvTranspose: the same on a zero-stuffed, padded input; conv-transpose.ts)
 *   Relu    Relu → Div 2^k → Clip [0, hi] → Cast, k = s_in + s_w - s_out       int8 (hi 127) or
 *           uint8 (hi 255: ReLU outputs are never negative, so uint8 buys one more bit)
 *   Univariate f (Sigmoid, Tanh, GELU, ...): signed requant to int8 + 256-entry table (activation.ts)
 *   Add/Sub/Max/Min/Concat of run-time values: aligned to one scale (merge.ts)
 *   Mul/Div/Add/Sub by constants, run-time Mul, Neg (merge.ts)
 *   pools and reductions: MaxPool, ReduceMax, ArgMax on int8; means as a rounded division (pools.ts)
 *   rewiring (Reshape, Transpose, Slice, Concat of like values, Pad, Resize, ...): unchanged values (rewire.ts)
 * An int32 value that a linear layer, a pool or a table needs as int8 is requantized once
 * (context.ts toAct). Rounding of a rescale: half of 2^k is added before it (into the bias of
 * the layer before when nothing else reads that layer's output), since relu(z + h) / 2^k ==
 * round-half-up(relu(z) / 2^k) for h = 2^(k-1) and floor division.
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node } from "../onnx/graph.ts";
import { quantizeWeights, shiftFor } from "./scales.ts";
import { linearLayer, type FloatValues } from "./linear.ts";
import { activationLayer } from "./activation.ts";
import { QuantizeContext, type LayerReport, type QTensor } from "./context.ts";
import { MERGE_OPS, quantizeMerge } from "./merge.ts";
import { POOL_OPS, quantizePool } from "./pools.ts";
import { REWIRE_OPS, quantizeRewire } from "./rewire.ts";
import { convTransposeLayer } from "./conv-transpose.ts";

export type { LayerReport, QTensor } from "./context.ts";

export type FloatEvaluator = (graph: Graph, inputs: Record<string, Float32Array | Float64Array>) => FloatValues;

export interface QuantizeOptions {
  /** Input scale exponent; default: the largest with max|x| * 2^sx <= 128 on the calibration data. */
  inputShift?: number;
  /**
   * Activation scales cover this fraction of the calibration activations (1 = the maximum);
   * below 1, the rare larger values clip at 127 in exchange for a finer scale.
   */
  activationCoverage?: number;
  /** Type of the activations after each Relu (default int8). */
  activationType?: "int8" | "uint8";
  /**
   * Weight scales per output channel (a power of two each, realigned by a free Mul): more
   * accuracy where channels' weights differ in size (depthwise convolutions). Default off.
   */
  perChannel?: boolean;
  name?: string;
}

export interface QuantizeReport {
  inputShift: number;
  outputShift: number;
  layers: LayerReport[];
}

export const QUANTIZED_OPS: readonly string[] = ["Conv", "ConvTranspose", "Gemm", "MatMul", "Relu", "Univariate", ...MERGE_OPS, ...POOL_OPS, ...REWIRE_OPS].sort();

/** Ops that pass their input's scale through unchanged (rewiring and max-like pools). */
const SCALE_PRESERVING = new Set([...REWIRE_OPS, "MaxPool", "GlobalMaxPool", "ReduceMax"]);

/**
 * Values that meet at a Concat, Max or Min meet for free only at one scale. Each such group's
 * sources (traced back through scale-preserving ops to where a scale is chosen: a ReLU, a table,
 * a requant, the input) are capped at the coarsest scale any of them needs, so they are made at
 * that scale to begin with instead of being realigned afterwards (one decomposition per element).
 */
function capShifts(ctx: QuantizeContext): void {
  const producer = new Map<string, Node>();
  for (const n of ctx.float.nodes) for (const o of n.outputs) producer.set(o, n);
  const source = (name: string): string => {
    const p = producer.get(name);
    return p && SCALE_PRESERVING.has(p.opType) ? source(p.inputs[0]) : name;
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const n of ctx.float.nodes) {
      if (!["Concat", "Max", "Min"].includes(n.opType)) continue;
      const srcs = n.inputs.filter((i) => i && !ctx.float.initializers.has(i)).map(source);
      if (srcs.length < 2) continue;
      const cap = Math.min(...srcs.map((v) => ctx.capped(v, shiftFor(ctx.rangeOf(v), 128))));
      for (const v of srcs) {
        if ((ctx.shiftCap.get(v) ?? Infinity) > cap) {
          ctx.shiftCap.set(v, cap);
          changed = true;
        }
      }
    }
  }
}

function quantizeRelu(ctx: QuantizeContext, node: Node, x: QTensor): void {
  const out = node.outputs[0];
  if (x.kind === "act") {
    ctx.emit("Relu", [x.name], out, {}, node.name);
    ctx.q.set(out, { ...x, name: out, float: out, nonneg: true, bias: undefined });
    return;
  }
  const hi = ctx.actType === "uint8" ? 255 : 127;
  const sOut = ctx.capped(out, Math.min(shiftFor(ctx.rangeOf(out), hi + 1), x.shift));
  // A Div by 1 would be dropped by onnxruntime, which then cannot fuse the int32 Relu → Clip.
  if (x.shift === sOut) x = ctx.toAcc(x, x.shift + 1, `node ${node.name}`);
  const k = x.shift - sOut;
  const p = node.name;
  const xin = k > 0 ? ctx.addConstant(x, 2 ** (k - 1), x.float, `node ${p}`) : x.name;
  ctx.i32(`${p}.div`, 2 ** k);
  ctx.i32(`${p}.lo`, 0);
  ctx.i32(`${p}.hi`, hi);
  ctx.emit("Relu", [xin], `${p}.r`, {}, `${p}.relu`);
  ctx.emit("Div", [`${p}.r`, `${p}.div`], `${p}.q`, {}, `${p}.rescale`);
  ctx.emit("Clip", [`${p}.q`, `${p}.lo`, `${p}.hi`], `${p}.c`, {}, `${p}.clip`);
  ctx.emit("Cast", [`${p}.c`], out, { to: ctx.actType === "uint8" ? 2 : 3 }, `${p}.cast`);
  ctx.q.set(out, { name: out, float: out, shift: sOut, kind: "act", dims: x.dims, unsigned: ctx.actType === "uint8", nonneg: true, bound: hi });
  ctx.report.push({ node: node.name, opType: "Relu", outShift: sOut, rescale: k });
}

/**
 * `fileIndex` maps a canonical node to its index in the file the user exported (simplifyFloatGraph's),
 * for refusals; by default the canonical index.
 */
export function quantizeGraph(float: Graph, calibration: ArrayLike<number>[], evaluate: FloatEvaluator, opts: QuantizeOptions = {}, fileIndex?: (node: Node) => number): { graph: Graph; report: QuantizeReport } {
  if (float.inputs.length !== 1 || float.outputs.length !== 1) throw new ProverError(`graph must have one input and one output`);
  if (calibration.length === 0) throw new ProverError("calibration data is empty");
  const inName = float.inputs[0].name;
  const inDims = float.inputs[0].dims.map((d) => (typeof d === "number" ? d : 1));
  const acts = calibration.map((x) => evaluate(float, { [inName]: Float64Array.from(x) }));
  const ctx = new QuantizeContext(float, acts, opts.activationCoverage ?? 1, opts.activationType ?? "int8");
  capShifts(ctx);
  const sx = opts.inputShift ?? ctx.capped(inName, shiftFor(ctx.rangeOf(inName), 128));
  ctx.q.set(inName, { name: inName, float: inName, shift: sx, kind: "act", dims: inDims, bound: 128 });

  float.nodes.forEach((node, k) => {
    const found = fileIndex?.(node) ?? -1;
    const i = found >= 0 ? found : k;
    const where = `node ${node.name} (#${i}, ${node.opType})`;
    const out = node.outputs[0];
    if (ctx.q.has(out)) return; // the Add a MatMul's bias came from
    switch (node.opType) {
      case "Gemm": case "MatMul": case "Conv": case "ConvTranspose": {
        const x = ctx.toAct(ctx.get(node, where), where);
        const layer = node.opType === "ConvTranspose"
          ? convTransposeLayer(ctx, node, i, where, x, opts.perChannel ?? false)
          : linearLayer(float, node, i, { ...x, dims: x.dims }, ctx, opts.perChannel ?? false);
        ctx.q.set(layer.output, { name: layer.output, float: layer.output, shift: layer.accShift, kind: "acc", bias: layer.bias, dims: ctx.dimsOf(layer.output), bound: layer.maxAccumulator });
        ctx.report.push({ node: node.name, opType: node.opType, weightShift: layer.weightShift, weightShifts: layer.weightShifts, accShift: layer.accShift, maxAccumulator: layer.maxAccumulator });
        return;
      }
      case "Relu":
        return quantizeRelu(ctx, node, ctx.get(node, where));
      case "Univariate": {
        const a = activationLayer(ctx, node, where, ctx.get(node, where), out);
        ctx.q.set(out, { name: out, float: out, shift: a.outShift, kind: "act", dims: ctx.dimsOf(out), bound: 128 });
        ctx.report.push({ node: node.name, opType: `Univariate ${node.attrs.fn}`, inShift: a.inShift, outShift: a.outShift, rescale: a.rescale });
        return;
      }
    }
    if (MERGE_OPS.includes(node.opType)) return quantizeMerge(ctx, node, where);
    if (POOL_OPS.includes(node.opType)) return quantizePool(ctx, node, where);
    if (REWIRE_OPS.includes(node.opType)) return quantizeRewire(ctx, node, where);
    throw new ProverError(`${where}: unsupported op for quantization; supported: ${QUANTIZED_OPS.join(", ")}`);
  });
  const outName = float.outputs[0].name;
  const last = ctx.q.get(outName);
  if (!last) throw new ProverError(`output ${outName} is never computed`);
  // The graph output must be the float output's name: rename through an Identity-free copy if needed.
  const lastNode = float.nodes.find((n) => n.outputs[0] === outName);
  const meaning: Record<string, string> = lastNode?.opType === "Univariate" ? { "zkinfer.output_meaning": `${lastNode.attrs.fn} output (a lookup table); value = q / 2^shift` } : {};
  if (last.name !== outName) throw new ProverError(`internal: output ${outName} is held as ${last.name}`);
  const dtype = last.kind === "index" ? "int64" : last.kind === "acc" ? "int32" : last.unsigned ? "uint8" : "int8";
  const graph: Graph = {
    name: opts.name ?? `${float.name}-int8`,
    opset: 17,
    nodes: ctx.nodes,
    initializers: ctx.inits,
    inputs: [{ name: inName, dtype: "int8", dims: inDims }],
    outputs: [{ name: outName, dtype, dims: float.outputs[0].dims }],
    metadata: { "zkinfer.input_shift": String(sx), "zkinfer.output_shift": String(last.shift), "zkinfer.activation_type": ctx.actType, ...meaning },
  };
  return { graph, report: { inputShift: sx, outputShift: last.shift, layers: ctx.report } };
}

export { quantizeWeights };
