/**
 * Test support for the quantizer: small float graphs built the way exporters lay them out,
 * calibrated on seeded random inputs and quantized, then checked three ways: onnxruntime on the
 * integer ONNX == the integer evaluator bit for bit (random and extreme int8 inputs), the
 * dequantized integer output close to the float output, and (batched into one circom run) the
 * circuit's witness == onnxruntime. Not used outside tests.
 */
import { expect } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import type { Graph } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { evaluateOutput } from "../evaluate-integer.ts";
import { evaluateFloatOutput } from "../graph/index.ts";
import { GraphBuilder, vi } from "../graph/testing.ts";
import { ProverError } from "../errors.ts";
import { compileBatch, extremeInputs, randomInputs } from "../compiler/testing.ts";
import { quantizeModel, quantizeInput, type QuantizeOptions, type QuantizeReport } from "./index.ts";

export { GraphBuilder };
export type { GraphBuilder as GraphBuilderType };
export { f32, i64 } from "../graph/testing.ts";

/**
 * A float graph with one input x of `inDims`, the nodes `build` adds (given a builder whose
 * random weights come from `seed`), and its output dims inferred by the float evaluator.
 */
export function floatGraph(inDims: number[], build: (b: GraphBuilder, x: string) => string, opts: { seed?: number; opset?: number } = {}): Graph {
  const rng = new Rng(opts.seed ?? 1);
  const b = new GraphBuilder(() => rng.next());
  const out = build(b, "x");
  const g = b.build([vi("x", inDims)], [vi(out, [])], opts.opset ?? 17);
  const y = evaluateFloatOutput(g, { x: { dims: inDims, data: new Float64Array(inDims.reduce((a, c) => a * c, 1)) } });
  g.outputs = [vi(out, y.dims, y.kind === "int" ? "int64" : "float32")];
  return g;
}

export interface Quantized {
  name: string;
  float: Graph;
  int: Graph;
  onnx: Uint8Array;
  report: QuantizeReport;
  inDims: number[];
  size: number;
  /** Whether the circuit can take it today (integer Div by a non-power-of-two is another helper's). */
  circuit: boolean;
  /** The accuracy bound as a fraction of the output's range, where a case needs its own (see expectAccurate). */
  tol?: number;
  /** The range of the calibration inputs. */
  lo?: number;
  hi?: number;
}

const sizeOf = (dims: number[]) => dims.reduce((a, c) => a * c, 1);

/** Seeded uniform float inputs in [lo, hi). */
export function floatInputs(n: number, count: number, seed: number, lo = -1, hi = 1): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: n }, () => lo + (hi - lo) * rng.next()));
}

/** The calibration inputs of a case: 24 seeded uniform ones in [lo, hi). */
export const calibration = (n: number, lo?: number, hi?: number): number[][] => floatInputs(n, 24, 7, lo, hi);

/** Calibrates `float` on `calibration` inputs and quantizes it. */
export function quantizeCase(name: string, float: Graph, opts: QuantizeOptions & { lo?: number; hi?: number; circuit?: boolean; tol?: number } = {}): Quantized {
  const inDims = float.inputs[0].dims as number[];
  const size = sizeOf(inDims);
  const { graph, report } = quantizeModel(float, calibration(size, opts.lo, opts.hi), opts);
  return { name, float, int: graph, onnx: writeOnnx(graph), report, inDims, size, circuit: opts.circuit ?? true, lo: opts.lo, hi: opts.hi, tol: opts.tol };
}

/** The extreme int8 inputs and `count` seeded random ones. */
export function int8Inputs(n: number, count = 6, seed = 11): number[][] {
  return [...extremeInputs(n), ...randomInputs(n, count, seed)].map((c) => c.x);
}

/** onnxruntime on the integer ONNX == the integer evaluator, bit for bit, on extreme and random int8 inputs. */
export async function expectOrtEqualsEvaluator(q: Quantized, inputs = int8Inputs(q.size)): Promise<void> {
  for (const x of inputs) {
    const ort = await runOnnx(q.onnx, Int8Array.from(x), q.inDims);
    const ev = evaluateOutput(q.int, { x: { dtype: "int8", dims: q.inDims, data: x } }).data;
    expect(ev, `${q.name}: evaluator == onnxruntime on [${x.slice(0, 6)}...]`).toEqual(ort);
  }
}

export interface Accuracy {
  /** Largest |dequantized integer - float| over the test inputs. */
  maxErr: number;
  meanErr: number;
  /** Largest |float output| over the test inputs. */
  range: number;
  /** For an index output: the fraction of inputs where the indices agree. */
  agree: number;
}

/**
 * The integer model against the float one on its calibration inputs: there every scale was
 * chosen to hold the largest value, so nothing clips (a fresh input beyond the calibrated range
 * would clip at 127, a calibration matter, not the quantizer's rounding). The float model reads
 * the dequantized int8 input q / 2^sx, so the input's own rounding is left out and what is
 * measured is the quantizer's error (weights, requants, rounded divisions).
 */
export async function accuracy(q: Quantized): Promise<Accuracy> {
  const sx = q.report.inputShift, sy = q.report.outputShift;
  let maxErr = 0, sum = 0, n = 0, range = 0, agree = 0;
  const xs = calibration(q.size, q.lo, q.hi);
  for (const x of xs) {
    const xq = quantizeInput(x, sx);
    const f = evaluateFloatOutput(q.float, { x: { dims: q.inDims, data: Float64Array.from(xq, (v) => v / 2 ** sx) } }).data;
    const y = await runOnnx(q.onnx, xq, q.inDims);
    if (q.int.outputs[0].dtype === "int64") {
      agree += y.every((v, i) => v === f[i]) ? 1 : 0;
      continue;
    }
    y.forEach((v, i) => {
      const e = Math.abs(v / 2 ** sy - f[i]);
      maxErr = Math.max(maxErr, e);
      range = Math.max(range, Math.abs(f[i]));
      sum += e;
      n++;
    });
  }
  return { maxErr, meanErr: n ? sum / n : 0, range, agree: agree / xs.length };
}

/**
 * The accuracy every case must reach: the largest error within `frac` of the output's range
 * (default 5%). Why 5%: each rounding step the quantizer adds — the int8 weights (7 bits of
 * their largest magnitude), each requant to int8 and each rounded mean — errs by at most half a
 * step of its int8 grid, 0.4% of that value's range; a graph here has at most 4-5 such steps,
 * whose errors add up along the path (fan-in sums of independent rounding errors grow like their
 * square root, and the weights' relative error stays 0.4% of the accumulator). The mean error
 * is held to a third of that.
 */
export async function expectAccurate(q: Quantized, frac = q.tol ?? 0.05): Promise<Accuracy> {
  const a = await accuracy(q);
  if (q.int.outputs[0].dtype === "int64") {
    expect(a.agree, `${q.name}: argmax agreement`).toBeGreaterThanOrEqual(0.85);
    return a;
  }
  expect(a.range, `${q.name}: the output is not constant zero`).toBeGreaterThan(0);
  expect(a.maxErr, `${q.name}: max error vs range ${a.range}`).toBeLessThanOrEqual(frac * a.range);
  expect(a.meanErr, `${q.name}: mean error vs range ${a.range}`).toBeLessThanOrEqual((frac / 3) * a.range);
  return a;
}

/**
 * Compiles every case whose circuit is expected into one circuit, then for each input set
 * (the extremes and random ones) expects, for every graph, witness == onnxruntime ==
 * evaluator and every constraint satisfied.
 */
export async function expectCircuitsAgree(qs: Quantized[], dir: string, randoms = 3): Promise<void> {
  const cases = qs.filter((q) => q.circuit);
  const b = await compileBatch(cases.map((q) => q.int), dir);
  b.results.forEach((r, k) => {
    if (r instanceof ProverError) throw new Error(`${cases[k].name}: the compiler refused the quantized graph: ${r.message}`);
  });
  const sets = Array.from({ length: 5 + randoms }, (_, j) => cases.map((q, k) => int8Inputs(q.size, randoms, 100 + k)[j]));
  for (const xs of sets) {
    const runs = await b.runAll(xs);
    runs.forEach((r, k) => {
      expect(r!.violated, `${cases[k].name}: first violated constraint`).toBe(-1);
      expect(r!.evaluator, `${cases[k].name}: evaluator == onnxruntime`).toEqual(r!.ort);
      expect(r!.witness, `${cases[k].name}: witness == onnxruntime`).toEqual(r!.ort);
    });
  }
}

/** A Conv of `cin` → `cout` channels, kernel k (pads keep the size), random weights scaled by `gain`. */
export function conv(b: GraphBuilder, name: string, x: string, cin: number, cout: number, o: { k?: number; gain?: number; bias?: boolean; attrs?: Record<string, number[] | number | string> } = {}): string {
  const k = o.k ?? 3;
  const w = b.rand(`${name}.w`, [cout, cin, k, k], -(o.gain ?? 1), o.gain ?? 1);
  const ins = [x, w];
  if (o.bias ?? true) ins.push(b.rand(`${name}.b`, [cout], -0.2 * (o.gain ?? 1), 0.2 * (o.gain ?? 1)));
  const pad = (k - 1) >> 1;
  return b.node("Conv", name, ins, 1, { kernel_shape: [k, k], pads: [pad, pad, pad, pad], ...o.attrs });
}

/** A Gemm of `nIn` → `nOut` (transB, as PyTorch exports Linear). */
export function gemm(b: GraphBuilder, name: string, x: string, nIn: number, nOut: number, gain = 1): string {
  return b.node("Gemm", name, [x, b.rand(`${name}.w`, [nOut, nIn], -gain, gain), b.rand(`${name}.b`, [nOut], -0.1, 0.1)], 1, { transB: 1 });
}
