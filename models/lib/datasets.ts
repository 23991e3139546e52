/**
 * The test split of each example model's data set, by the `dataset` key its manifest records
 * (recipe.dataset), so tests and benchmarks loop over every model in models/ without knowing it.
 */
import type { Manifest } from "../../prover/model-dir.ts";
import { loadDigits, splitDigits, digitsFloatInput } from "./digits.ts";
import { loadFashionTest, floatInput14, floatInput28 } from "./fashion-mnist.ts";
import { breastCancerSplits } from "./breast-cancer.ts";
import { argmax } from "./mlp.ts";
import { zooTestSplit } from "./zoo-digits.ts";

/** `zoo:<model>`: the test split a zoo export committed (models/zoo/<model>/test-split.json.gz). */
export type DatasetName = "digits" | "fashion-mnist-14" | "fashion-mnist-28" | "breast-cancer" | `zoo:${string}`;
const NAMES: readonly string[] = ["digits", "fashion-mnist-14", "fashion-mnist-28", "breast-cancer"];

export interface LabelledInput {
  /** The float input, flat, in the model input's layout. */
  x: Float32Array;
  /** The class (or 0/1 for a risk score); -1 for an image-to-image model. */
  label: number;
  /** The target tensor of an image-to-image model (scored by mean squared error). */
  target?: Float32Array;
}

export function datasetOf(manifest: Manifest): DatasetName {
  const d = (manifest.recipe as { dataset?: string } | undefined)?.dataset;
  if (!d || !(NAMES.includes(d) || /^zoo:[a-z0-9-]+$/.test(d))) {
    throw new Error(`model ${manifest.name}: manifest recipe.dataset is ${JSON.stringify(d)}, not one of ${NAMES.join(", ")}`);
  }
  return d as DatasetName;
}

/** The first `limit` test samples (all by default). */
export function testSamples(name: DatasetName, limit = Infinity): LabelledInput[] {
  if (name === "digits") {
    return splitDigits(loadDigits()).test.slice(0, limit).map((s) => ({ x: digitsFloatInput(s), label: s.label }));
  }
  if (name === "breast-cancer") return breastCancerSplits().test.slice(0, limit);
  if (name.startsWith("zoo:")) return zooTestSplit(name.slice(4)).test.slice(0, limit);
  const set = loadFashionTest();
  const f = name === "fashion-mnist-14" ? floatInput14 : floatInput28;
  return Array.from({ length: Math.min(limit, set.n) }, (_, i) => ({ x: f(set, i), label: set.labels[i] }));
}

/**
 * The label a model's output stands for: the argmax of class scores, or for a single output
 * (a risk score at scale 2^shift, e.g. a Sigmoid) 1 when it is above one half.
 * Example: `predictedLabel(await runOnnx(bytes, x), manifest.output.shift)`
 */
export function predictedLabel(output: ArrayLike<number>, shift: number): number {
  return output.length === 1 ? (Number(output[0]) > 2 ** (shift - 1) ? 1 : 0) : argmax(output);
}
