/**
 * A dense ReLU network trained with Adam on softmax cross-entropy, in plain TypeScript, so
 * example models are built from the repo alone and reproducibly (seeded init and batching,
 * deterministic float64 arithmetic). Exported as a float ONNX graph (Gemm, Relu).
 */
import { Rng } from "./rng.ts";
import type { Graph, Node, Tensor } from "../../prover/onnx/graph.ts";

export interface Layer {
  /** Row-major [in][out]. */
  w: Float64Array;
  b: Float64Array;
  nIn: number;
  nOut: number;
}

export interface TrainOptions {
  sizes: number[];
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  weightDecay?: number;
  log?: (msg: string) => void;
}

export function initMlp(sizes: number[], rng: Rng): Layer[] {
  const layers: Layer[] = [];
  for (let l = 0; l + 1 < sizes.length; l++) {
    const nIn = sizes[l], nOut = sizes[l + 1];
    const std = Math.sqrt(2 / nIn); // He initialisation, for ReLU
    const w = new Float64Array(nIn * nOut).map(() => rng.normal() * std);
    layers.push({ w, b: new Float64Array(nOut), nIn, nOut });
  }
  return layers;
}

/** Returns the activations of every layer; the last entry is the logits. */
export function forward(layers: Layer[], x: ArrayLike<number>): Float64Array[] {
  const acts: Float64Array[] = [Float64Array.from(x)];
  layers.forEach((L, li) => {
    const a = acts[acts.length - 1];
    const z = Float64Array.from(L.b);
    for (let i = 0; i < L.nIn; i++) {
      const ai = a[i];
      if (ai === 0) continue;
      for (let j = 0; j < L.nOut; j++) z[j] += ai * L.w[i * L.nOut + j];
    }
    if (li < layers.length - 1) for (let j = 0; j < z.length; j++) z[j] = Math.max(0, z[j]);
    acts.push(z);
  });
  return acts;
}

/** One argmax for every model in models/: the training library's. */
export { argmax } from "./nn/net.ts";

export function trainMlp(xs: ArrayLike<number>[], ys: number[], opts: TrainOptions): Layer[] {
  const rng = new Rng(opts.seed);
  const layers = initMlp(opts.sizes, rng);
  const m = layers.map((L) => ({ w: new Float64Array(L.w.length), b: new Float64Array(L.b.length) }));
  const v = layers.map((L) => ({ w: new Float64Array(L.w.length), b: new Float64Array(L.b.length) }));
  const beta1 = 0.9, beta2 = 0.999, eps = 1e-8, wd = opts.weightDecay ?? 0;
  let step = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    const perm = rng.permutation(xs.length);
    let loss = 0;
    for (let start = 0; start < perm.length; start += opts.batch) {
      const idx = perm.slice(start, start + opts.batch);
      const g = layers.map((L) => ({ w: new Float64Array(L.w.length), b: new Float64Array(L.b.length) }));
      for (const k of idx) {
        const acts = forward(layers, xs[k]);
        const logits = acts[acts.length - 1];
        const mx = Math.max(...logits);
        const e = logits.map((z) => Math.exp(z - mx));
        const sum = e.reduce((a, b) => a + b, 0);
        loss -= Math.log(e[ys[k]] / sum);
        let delta = e.map((x, j) => x / sum - (j === ys[k] ? 1 : 0));
        for (let l = layers.length - 1; l >= 0; l--) {
          const L = layers[l], a = acts[l];
          for (let i = 0; i < L.nIn; i++) for (let j = 0; j < L.nOut; j++) g[l].w[i * L.nOut + j] += a[i] * delta[j];
          for (let j = 0; j < L.nOut; j++) g[l].b[j] += delta[j];
          if (l > 0) {
            const prev = new Float64Array(L.nIn);
            for (let i = 0; i < L.nIn; i++) {
              if (a[i] <= 0) continue; // ReLU gradient
              let s = 0;
              for (let j = 0; j < L.nOut; j++) s += L.w[i * L.nOut + j] * delta[j];
              prev[i] = s;
            }
            delta = prev;
          }
        }
      }
      step++;
      const c1 = 1 - beta1 ** step, c2 = 1 - beta2 ** step;
      layers.forEach((L, l) => {
        for (const key of ["w", "b"] as const) {
          const p = L[key], gr = g[l][key], mm = m[l][key], vv = v[l][key];
          for (let i = 0; i < p.length; i++) {
            const gi = gr[i] / idx.length + (key === "w" ? wd * p[i] : 0);
            mm[i] = beta1 * mm[i] + (1 - beta1) * gi;
            vv[i] = beta2 * vv[i] + (1 - beta2) * gi * gi;
            p[i] -= (opts.lr * (mm[i] / c1)) / (Math.sqrt(vv[i] / c2) + eps);
          }
        }
      });
    }
    opts.log?.(`epoch ${epoch + 1}/${opts.epochs}: loss ${(loss / xs.length).toFixed(4)}`);
  }
  return layers;
}

/** The float ONNX graph of a trained MLP: Gemm (+ Relu) per layer, input [1, n0]. */
export function mlpToOnnx(layers: Layer[], name: string): Graph {
  const initializers = new Map<string, Tensor>();
  const nodes: Node[] = [];
  let cur = "input";
  layers.forEach((L, l) => {
    initializers.set(`fc${l}.weight`, { dtype: "float32", dims: [L.nIn, L.nOut], data: Float32Array.from(L.w) });
    initializers.set(`fc${l}.bias`, { dtype: "float32", dims: [L.nOut], data: Float32Array.from(L.b) });
    const last = l === layers.length - 1;
    const out = last ? "logits" : `fc${l}.out`;
    nodes.push({ name: `fc${l}`, opType: "Gemm", inputs: [cur, `fc${l}.weight`, `fc${l}.bias`], outputs: [out], attrs: {} });
    cur = out;
    if (!last) {
      nodes.push({ name: `relu${l}`, opType: "Relu", inputs: [cur], outputs: [`relu${l}.out`], attrs: {} });
      cur = `relu${l}.out`;
    }
  });
  return {
    name,
    opset: 17,
    nodes,
    initializers,
    inputs: [{ name: "input", dtype: "float32", dims: [1, layers[0].nIn] }],
    outputs: [{ name: "logits", dtype: "float32", dims: [1, layers[layers.length - 1].nOut] }],
    metadata: {},
  };
}
