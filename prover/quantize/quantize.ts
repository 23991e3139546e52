/**
 * Float → integer quantizer for dense ReLU chains. Power-of-two scales everywhere, so every
 * rescale is a Div by 2^k (a bit decomposition in the circuit) rather than a multiplication:
 *   input  q_x = clamp(round(x * 2^sx), -128, 127)                          (int8)
 *   layer  acc = MatMulInteger(q, W_q) + b_q, at scale 2^(s_in + s_w)       (int32)
 *   hidden Relu → Div 2^k → Clip [0, 127] → Cast int8, at scale 2^s_out, k = s_in + s_w - s_out
 *   last   acc as int32 logits.
 * Rounding: half of 2^k is folded into the bias before the Relu, so the floor division rounds
 * to nearest (relu(z + h) / 2^k == round-half-up(relu(z) / 2^k) for h = 2^(k-1)).
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { readDenseChain, denseForward } from "./dense-chain.ts";

export interface QuantizeOptions {
  /** Input scale exponent; default: the largest with max|x| * 2^sx <= 127 on the calibration data. */
  inputShift?: number;
  name?: string;
}

export interface LayerReport {
  name: string;
  weightShift: number;
  accShift: number;
  /** Activation scale exponent after the layer (hidden layers only). */
  outShift?: number;
  rescale?: number;
}

export interface QuantizeReport {
  inputShift: number;
  outputShift: number;
  layers: LayerReport[];
}

const log2floor = (x: number) => Math.floor(Math.log2(x));

/** max |v| by a loop: Math.max(...v) overflows the stack on large layers. */
function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]));
  return m;
}

function shiftFor(maxAbs: number, limit = 127): number {
  if (!(maxAbs > 0)) return 0;
  return log2floor(limit / maxAbs);
}

/** Quantizes the input vector with the documented rounding rule (round half away from zero). */
export function quantizeInput(x: ArrayLike<number>, inputShift: number): Int8Array {
  const s = 2 ** inputShift;
  return Int8Array.from(x, (v) => Math.max(-128, Math.min(127, Math.sign(v) * Math.round(Math.abs(v) * s))));
}

export function quantizeDenseChain(float: Graph, calibration: ArrayLike<number>[], opts: QuantizeOptions = {}): { graph: Graph; report: QuantizeReport } {
  const layers = readDenseChain(float);
  if (calibration.length === 0) throw new ProverError("calibration data is empty");
  const acts = calibration.map((x) => denseForward(layers, x));
  const maxAt = (l: number) => acts.reduce((m, a) => Math.max(m, maxAbs(a[l])), 0);
  const sx = opts.inputShift ?? shiftFor(maxAt(0));

  const inits = new Map<string, Tensor>();
  const nodes: Node[] = [];
  const report: LayerReport[] = [];
  const scalar = (name: string, v: number) => inits.set(name, { dtype: "int32", dims: [], data: Int32Array.from([v]) });
  let cur = float.inputs[0]?.name ?? "input";
  let sIn = sx;
  layers.forEach((L, l) => {
    const sw = shiftFor(maxAbs(L.w));
    const sAcc = sIn + sw;
    const wq = Int8Array.from(L.w, (v) => Math.max(-127, Math.min(127, Math.round(v * 2 ** sw))));
    const last = l === layers.length - 1;
    let sOut = sAcc, k = 0;
    if (!last) {
      if (!L.relu) throw new ProverError(`node ${L.name}: hidden layers must be followed by Relu`);
      sOut = Math.min(shiftFor(maxAt(l + 1)), sAcc);
      k = sAcc - sOut;
    }
    const half = k > 0 ? 2 ** (k - 1) : 0;
    const bq = Int32Array.from(L.b, (v) => Math.round(v * 2 ** sAcc) + half);
    let bound = 0;
    for (let j = 0; j < L.nOut; j++) {
      let s = Math.abs(bq[j]);
      for (let i = 0; i < L.nIn; i++) s += Math.abs(wq[i * L.nOut + j]) * 128;
      bound = Math.max(bound, s);
    }
    if (bound >= 2 ** 31) throw new ProverError(`node ${L.name}: int32 accumulator may overflow (bound ${bound})`);
    const p = `${L.name}`;
    inits.set(`${p}.wq`, { dtype: "int8", dims: [L.nIn, L.nOut], data: wq });
    inits.set(`${p}.bq`, { dtype: "int32", dims: [L.nOut], data: bq });
    nodes.push({ name: `${p}.matmul`, opType: "MatMulInteger", inputs: [cur, `${p}.wq`], outputs: [`${p}.acc`], attrs: {} });
    const outName = last ? (float.outputs[0]?.name ?? "logits") : `${p}.z`;
    nodes.push({ name: `${p}.bias`, opType: "Add", inputs: [`${p}.acc`, `${p}.bq`], outputs: [outName], attrs: {} });
    if (!last) {
      scalar(`${p}.div`, 2 ** k);
      scalar(`${p}.lo`, 0);
      scalar(`${p}.hi`, 127);
      nodes.push({ name: `${p}.relu`, opType: "Relu", inputs: [`${p}.z`], outputs: [`${p}.r`], attrs: {} });
      nodes.push({ name: `${p}.rescale`, opType: "Div", inputs: [`${p}.r`, `${p}.div`], outputs: [`${p}.q`], attrs: {} });
      nodes.push({ name: `${p}.clip`, opType: "Clip", inputs: [`${p}.q`, `${p}.lo`, `${p}.hi`], outputs: [`${p}.c`], attrs: {} });
      nodes.push({ name: `${p}.cast`, opType: "Cast", inputs: [`${p}.c`], outputs: [`${p}.out`], attrs: { to: 3 } });
      cur = `${p}.out`;
    }
    report.push({ name: L.name, weightShift: sw, accShift: sAcc, ...(last ? {} : { outShift: sOut, rescale: k }) });
    sIn = sOut;
  });
  const nIn = layers[0].nIn, nOut = layers[layers.length - 1].nOut;
  const graph: Graph = {
    name: opts.name ?? `${float.name}-int8`,
    opset: 17,
    nodes,
    initializers: inits,
    inputs: [{ name: float.inputs[0]?.name ?? "input", dtype: "int8", dims: [1, nIn] }],
    outputs: [{ name: float.outputs[0]?.name ?? "logits", dtype: "int32", dims: [1, nOut] }],
    metadata: { "zkinfer.input_shift": String(sx), "zkinfer.output_shift": String(sIn) },
  };
  return { graph, report: { inputShift: sx, outputShift: sIn, layers: report } };
}
