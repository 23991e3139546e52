/**
 * Float → integer quantizer for canonical graphs (prover/graph's simplifyFloatGraph output:
 * Conv, Gemm, MatMul(+Add), Relu, MaxPool, AveragePool, Flatten, Reshape in a chain).
 * Power-of-two scales everywhere, so every rescale is a Div by 2^k — one bit decomposition in
 * the circuit — rather than a multiplication:
 *   input   q = clamp(round(x * 2^sx), -128, 127)                               int8
 *   linear  acc = MatMulInteger / ConvInteger (q, W_q) + b_q at scale 2^(s_in + s_w)  int32
 *   Relu    Relu → Div 2^k → Clip [0, hi] → Cast, k = s_in + s_w - s_out       int8 (hi 127) or
 *           uint8 (hi 255: ReLU outputs are never negative, so uint8 buys one more bit)
 *   AvgPool sum of the window (ConvInteger with a ones kernel, one group per channel),
 *           + area/2, Div area (power of two), Cast: the rounded mean               int8 / uint8
 *   Univariate f (Sigmoid, Tanh, GELU, ...): signed requant to int8 + 256-entry table (activation.ts)
 *   MaxPool on int8; Flatten/Reshape unchanged; the last linear layer's int32 is the output.
 * Rounding of the Relu rescale: half of 2^k is folded into the bias before the Relu, since
 * relu(z + h) / 2^k == round-half-up(relu(z) / 2^k) for h = 2^(k-1) and floor division.
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { maxAbs, quantizeWeights, shiftFor } from "./scales.ts";
import { linearLayer, type FloatValues } from "./linear.ts";
import { activationLayer } from "./activation.ts";

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
  name?: string;
}

export interface LayerReport {
  node: string;
  opType: string;
  weightShift?: number;
  accShift?: number;
  outShift?: number;
  /** An activation's int8 index scale (its table's input). */
  inShift?: number;
  rescale?: number;
  maxAccumulator?: number;
}

export interface QuantizeReport {
  inputShift: number;
  outputShift: number;
  layers: LayerReport[];
}

/** What the integer graph holds for one float tensor. */
export interface QTensor {
  name: string;
  shift: number;
  kind: "act" | "acc";
  /** An activation of type uint8 (after a Relu with activationType uint8). */
  unsigned?: boolean;
  /** For an int32 accumulator: the bias initializer the Relu's rounding is folded into. */
  bias?: string;
  dims: number[];
}

export function quantizeGraph(float: Graph, calibration: ArrayLike<number>[], evaluate: FloatEvaluator, opts: QuantizeOptions = {}): { graph: Graph; report: QuantizeReport } {
  if (float.inputs.length !== 1 || float.outputs.length !== 1) throw new ProverError(`graph must have one input and one output`);
  if (calibration.length === 0) throw new ProverError("calibration data is empty");
  const inName = float.inputs[0].name;
  const inDims = float.inputs[0].dims.map((d) => (typeof d === "number" ? d : 1));
  const acts = calibration.map((x) => evaluate(float, { [inName]: Float64Array.from(x) }));
  const maxOf = (name: string) => acts.reduce((m, a) => Math.max(m, maxAbs(a.get(name)?.data ?? [])), 0);
  const coverage = opts.activationCoverage ?? 1;
  const rangeOf = (name: string) => {
    if (coverage >= 1) return maxOf(name);
    const all = acts.flatMap((a) => Array.from(a.get(name)?.data ?? [], Math.abs)).sort((x, y) => x - y);
    return all[Math.min(all.length - 1, Math.floor(coverage * all.length))];
  };
  const sx = opts.inputShift ?? shiftFor(maxOf(inName), 128);
  const actType = opts.activationType ?? "int8";
  const actHi = actType === "uint8" ? 255 : 127;
  const castTo = actType === "uint8" ? 2 : 3;

  const inits = new Map<string, Tensor>();
  const nodes: Node[] = [];
  const report: LayerReport[] = [];
  const q = new Map<string, QTensor>([[inName, { name: inName, shift: sx, kind: "act", dims: inDims }]]);
  const i32 = (name: string, v: number) => inits.set(name, { dtype: "int32", dims: [], data: Int32Array.from([v]) });
  const need = (node: Node, i: number, idx: number, kind?: "act") => {
    const t = q.get(node.inputs[idx]);
    if (!t) throw new ProverError(`node ${node.name} (#${i}, ${node.opType}): input ${node.inputs[idx]} is not produced by a supported op before it`);
    if (kind && t.kind !== kind) throw new ProverError(`node ${node.name} (#${i}, ${node.opType}): input must be an int8 activation; put a Relu after the previous linear layer`);
    return t;
  };

  float.nodes.forEach((node, i) => {
    const where = `node ${node.name} (#${i}, ${node.opType})`;
    const out = node.outputs[0];
    const fdims = acts[0].get(out)?.dims ?? [];
    switch (node.opType) {
      case "Gemm": case "MatMul": case "Conv": {
        const x = need(node, i, 0, "act");
        // A MatMul's bias is the Add right after it: fold it in and skip that Add.
        const layer = linearLayer(float, node, i, x, inits, nodes);
        q.set(layer.output, { name: layer.output, shift: layer.accShift, kind: "acc", bias: layer.bias, dims: acts[0].get(layer.output)?.dims ?? fdims });
        report.push({ node: node.name, opType: node.opType, weightShift: layer.weightShift, accShift: layer.accShift, maxAccumulator: layer.maxAccumulator });
        break;
      }
      case "Add": {
        if (!q.has(out)) throw new ProverError(`${where}: Add is supported only as the bias right after a MatMul`);
        break;
      }
      case "Relu": {
        const x = need(node, i, 0);
        if (x.kind === "act") {
          nodes.push({ name: node.name, opType: "Relu", inputs: [x.name], outputs: [out], attrs: {} });
          q.set(out, { ...x, name: out });
          break;
        }
        const sOut = Math.min(shiftFor(rangeOf(out), actHi + 1), x.shift);
        const k = x.shift - sOut;
        if (k > 0 && x.bias) {
          const b = inits.get(x.bias)!;
          b.data = Int32Array.from(b.data as Int32Array, (v) => v + 2 ** (k - 1));
        }
        i32(`${node.name}.div`, 2 ** k);
        i32(`${node.name}.lo`, 0);
        i32(`${node.name}.hi`, actHi);
        const p = node.name;
        nodes.push(
          { name: `${p}.relu`, opType: "Relu", inputs: [x.name], outputs: [`${p}.r`], attrs: {} },
          { name: `${p}.rescale`, opType: "Div", inputs: [`${p}.r`, `${p}.div`], outputs: [`${p}.q`], attrs: {} },
          { name: `${p}.clip`, opType: "Clip", inputs: [`${p}.q`, `${p}.lo`, `${p}.hi`], outputs: [`${p}.c`], attrs: {} },
          { name: `${p}.cast`, opType: "Cast", inputs: [`${p}.c`], outputs: [out], attrs: { to: castTo } },
        );
        q.set(out, { name: out, shift: sOut, kind: "act", dims: x.dims, unsigned: actType === "uint8" });
        report.push({ node: node.name, opType: "Relu", outShift: sOut, rescale: k });
        break;
      }
      case "Univariate": {
        const x = need(node, i, 0);
        if (x.kind !== "acc") throw new ProverError(`${where}: an activation is supported only right after a Conv, Gemm or MatMul`);
        const a = activationLayer(node, where, x, out, rangeOf(node.inputs[0]), rangeOf(out), inits, nodes);
        q.set(out, { name: out, shift: a.outShift, kind: "act", dims: x.dims });
        report.push({ node: node.name, opType: `Univariate ${node.attrs.fn}`, inShift: a.inShift, outShift: a.outShift, rescale: a.rescale });
        break;
      }
      case "AveragePool": {
        const x = need(node, i, 0, "act");
        const [kH, kW] = (node.attrs.kernel_shape as number[]) ?? [];
        const area = kH * kW;
        if (!Number.isInteger(Math.log2(area))) throw new ProverError(`${where}: kernel area ${area} must be a power of two`);
        if (((node.attrs.pads as number[] | undefined) ?? []).some((v) => v !== 0)) throw new ProverError(`${where}: padded average pooling is not supported`);
        const C = x.dims[1];
        const p = node.name;
        inits.set(`${p}.ones`, { dtype: "int8", dims: [C, 1, kH, kW], data: new Int8Array(C * area).fill(1) });
        i32(`${p}.half`, area / 2);
        i32(`${p}.area`, area);
        nodes.push(
          { name: `${p}.sum`, opType: "ConvInteger", inputs: [x.name, `${p}.ones`], outputs: [`${p}.s`], attrs: { group: C, kernel_shape: [kH, kW], strides: (node.attrs.strides as number[]) ?? [kH, kW] } },
          { name: `${p}.round`, opType: "Add", inputs: [`${p}.s`, `${p}.half`], outputs: [`${p}.sr`], attrs: {} },
          { name: `${p}.mean`, opType: "Div", inputs: [`${p}.sr`, `${p}.area`], outputs: [`${p}.m`], attrs: {} },
          { name: `${p}.cast`, opType: "Cast", inputs: [`${p}.m`], outputs: [out], attrs: { to: x.unsigned ? 2 : 3 } },
        );
        q.set(out, { name: out, shift: x.shift, kind: "act", dims: fdims, unsigned: x.unsigned });
        break;
      }
      case "MaxPool": {
        const x = need(node, i, 0, "act");
        nodes.push({ ...node, inputs: [x.name], outputs: [out] });
        q.set(out, { name: out, shift: x.shift, kind: "act", dims: fdims, unsigned: x.unsigned });
        break;
      }
      case "Flatten": case "Reshape": {
        const x = need(node, i, 0);
        const inputs = [x.name];
        if (node.opType === "Reshape") {
          const shape = float.initializers.get(node.inputs[1]);
          if (!shape) throw new ProverError(`${where}: the shape must be a constant`);
          inits.set(node.inputs[1], shape);
          inputs.push(node.inputs[1]);
        }
        nodes.push({ ...node, inputs, outputs: [out] });
        q.set(out, { ...x, name: out, dims: fdims });
        break;
      }
      default:
        throw new ProverError(`${where}: unsupported op for quantization; supported: AveragePool, Conv, Flatten, Gemm, MatMul (+ Add bias), MaxPool, Relu, Reshape, Univariate (lookup table)`);
    }
  });
  const outName = float.outputs[0].name;
  const last = q.get(outName);
  if (!last) throw new ProverError(`output ${outName} is never computed`);
  const lastNode = float.nodes.find((n) => n.outputs[0] === outName);
  const meaning: Record<string, string> = lastNode?.opType === "Univariate" ? { "zkinfer.output_meaning": `${lastNode.attrs.fn} output (a lookup table); value = q / 2^shift` } : {};
  const graph: Graph = {
    name: opts.name ?? `${float.name}-int8`,
    opset: 17,
    nodes,
    initializers: inits,
    inputs: [{ name: inName, dtype: "int8", dims: inDims }],
    outputs: [{ name: outName, dtype: last.kind === "acc" ? "int32" : last.unsigned ? "uint8" : "int8", dims: float.outputs[0].dims }],
    metadata: { "zkinfer.input_shift": String(sx), "zkinfer.output_shift": String(last.shift), "zkinfer.activation_type": actType, ...meaning },
  };
  return { graph, report: { inputShift: sx, outputShift: last.shift, layers: report } };
}

export { quantizeWeights };
