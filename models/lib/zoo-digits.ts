/**
 * The digits splits the zoo's PyTorch exports were trained and tested on: the test split is
 * the model's test-split.json.gz (inputs exactly as fed to the ONNX, their targets: a label, or
 * the clean image for the denoiser); the train split is every row of the digits CSV that is not
 * a test input (numpy's seeded permutation is not re-implemented here; identical images are
 * matched as a multiset). Inputs are pixel / 16; with one channel, NCHW and NHWC have the same
 * flat order.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { loadDigits } from "./digits.ts";
import { Rng } from "./rng.ts";

export interface ZooSplit {
  /** Flat float inputs. */
  x: Float32Array;
  /** The class label (classifiers) or -1. */
  label: number;
  /** The target tensor, flat (the label as one value for classifiers, the clean image for the denoiser). */
  target: Float32Array;
}

export function zooTestSplit(model: string): { inputDims: number[]; test: ZooSplit[] } {
  const path = fileURLToPath(new URL(`../zoo/${model}/test-split.json.gz`, import.meta.url));
  const split = JSON.parse(gunzipSync(readFileSync(path)).toString("utf8")) as { inputDims: number[]; inputs: unknown[]; targets: unknown[] };
  const flat = (v: unknown) => Float32Array.from((v as number[]).flat(4) as number[]);
  const test = split.inputs.map((x, i) => {
    const target = flat([split.targets[i]]);
    return { x: flat([x]), target, label: target.length === 1 ? target[0] : -1 };
  });
  return { inputDims: split.inputDims, test };
}

/**
 * Train inputs of a digits zoo model: the CSV rows (pixel / 16) that are not in its test split.
 * For the denoiser (targets are clean images), the rows are matched on the targets and each
 * train input gets noise like the export's (Gaussian, sigma `noise`, clipped to [0, 1]) from a
 * seeded generator of ours: calibration needs the distribution, not numpy's exact draws.
 */
export function zooDigitsTrain(model: string, noise = 0): ZooSplit[] {
  const { test } = zooTestSplit(model);
  const left = new Map<string, number>();
  const rng = new Rng(7);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  for (const t of test) {
    const k = Array.from(noise > 0 ? t.target : t.x, (v) => Math.round(v * 16)).join(",");
    left.set(k, (left.get(k) ?? 0) + 1);
  }
  const train: ZooSplit[] = [];
  for (const s of loadDigits()) {
    const k = s.pixels.join(",");
    const n = left.get(k) ?? 0;
    if (n > 0) {
      left.set(k, n - 1);
      continue;
    }
    const clean = Float32Array.from(s.pixels, (p) => p / 16);
    if (noise > 0) train.push({ x: clean.map((v) => Math.min(1, Math.max(0, v + noise * gauss()))), label: -1, target: clean });
    else train.push({ x: clean, label: s.label, target: Float32Array.from([s.label]) });
  }
  const missing = [...left.values()].reduce((a, b) => a + b, 0);
  if (missing) throw new Error(`models/zoo/${model}: ${missing} test inputs are not rows of the digits CSV`);
  return train;
}
