/**
 * The test split of each example model's data set, by the `dataset` key its manifest records
 * (recipe.dataset), so tests and benchmarks loop over every model in models/ without knowing it.
 */
import type { Manifest } from "../../prover/model-dir.ts";
import { loadDigits, splitDigits, digitsFloatInput } from "./digits.ts";
import { loadFashionTest, floatInput14, floatInput28 } from "./fashion-mnist.ts";

export type DatasetName = "digits" | "fashion-mnist-14" | "fashion-mnist-28";

export interface LabelledInput {
  /** The float input, flat, in the model input's layout. */
  x: Float32Array;
  label: number;
}

export function datasetOf(manifest: Manifest): DatasetName {
  const d = (manifest.recipe as { dataset?: string } | undefined)?.dataset;
  if (d !== "digits" && d !== "fashion-mnist-14" && d !== "fashion-mnist-28") {
    throw new Error(`model ${manifest.name}: manifest recipe.dataset is ${JSON.stringify(d)}, not one of digits, fashion-mnist-14, fashion-mnist-28`);
  }
  return d;
}

/** The first `limit` test samples (all by default). */
export function testSamples(name: DatasetName, limit = Infinity): LabelledInput[] {
  if (name === "digits") {
    return splitDigits(loadDigits()).test.slice(0, limit).map((s) => ({ x: digitsFloatInput(s), label: s.label }));
  }
  const set = loadFashionTest();
  const f = name === "fashion-mnist-14" ? floatInput14 : floatInput28;
  return Array.from({ length: Math.min(limit, set.n) }, (_, i) => ({ x: f(set, i), label: set.labels[i] }));
}
