/**
 * The scikit-learn digits data set (UCI optdigits test set, BSD-3-Clause, see
 * models/digits-mlp/data/LICENSE.sklearn): 1797 images of 8x8 pixels with values 0..16.
 * The train/test split is fixed by a seed so every tool sees the same test images.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";
import { Rng } from "./rng.ts";

export const DIGITS_CSV = fileURLToPath(new URL("../digits-mlp/data/digits.csv.gz", import.meta.url));
export const DIGITS_SPLIT_SEED = 20261125;
export const DIGITS_TEST_FRACTION = 0.2;

export interface Sample {
  /** 64 raw pixel values, integers 0..16. */
  pixels: number[];
  label: number;
}

export function loadDigits(path = DIGITS_CSV): Sample[] {
  const text = gunzipSync(readFileSync(path)).toString("utf8").trim();
  return text.split("\n").map((line, i) => {
    const v = line.split(",").map(Number);
    if (v.length !== 65 || v.some((x) => !Number.isInteger(x))) throw new Error(`${path}: line ${i + 1} is not 65 integers`);
    return { pixels: v.slice(0, 64), label: v[64] };
  });
}

/** The fixed split: a seeded permutation, the last 20 % is the test set. */
export function splitDigits(samples: Sample[]): { train: Sample[]; test: Sample[] } {
  const perm = new Rng(DIGITS_SPLIT_SEED).permutation(samples.length);
  const nTest = Math.round(samples.length * DIGITS_TEST_FRACTION);
  const train = perm.slice(0, samples.length - nTest).map((i) => samples[i]);
  const test = perm.slice(samples.length - nTest).map((i) => samples[i]);
  return { train, test };
}

/** The float model's input: pixels scaled to [0, 1]. */
export function digitsFloatInput(s: Sample): Float32Array {
  return Float32Array.from(s.pixels, (p) => p / 16);
}
