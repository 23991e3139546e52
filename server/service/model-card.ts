/**
 * What a client needs on a model's card beyond the circuit: how to prepare a float input
 * (preprocessing, expected range) and how to read the output (dequantized values, the class and
 * its name). The example models' data sets are known by the `recipe.dataset` their manifest
 * records; a manifest may state `labels` (string array) and `preprocessing` (a sentence) itself,
 * which wins. A model of unknown data set whose output is a vector of scores gets argmax only.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Manifest } from "../../prover/model-dir.ts";
import type { ModelInfo, OutputReading, Preprocessing } from "../core/types.ts";

const DIGITS = Array.from({ length: 10 }, (_, i) => String(i));
// The Fashion-MNIST class names, by class index (Zalando's README).
const FASHION = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
const UNIT = { min: 0, max: 1 };
const DIGITS_PIXELS = "8x8 grey-scale digit image (scikit-learn digits), row-major: each pixel 0..16 divided by 16";

interface DatasetCard {
  decision?: "argmax" | "threshold";
  labels?: string[];
  preprocessing: Preprocessing;
}

const DATASETS: Record<string, DatasetCard> = {
  digits: { decision: "argmax", labels: DIGITS, preprocessing: { description: DIGITS_PIXELS, expectedRange: UNIT } },
  "fashion-mnist-28": {
    decision: "argmax", labels: FASHION,
    preprocessing: { description: "28x28 grey-scale Fashion-MNIST image, row-major: each pixel 0..255 divided by 255", expectedRange: UNIT },
  },
  "fashion-mnist-14": {
    decision: "argmax", labels: FASHION,
    preprocessing: { description: "the 28x28 Fashion-MNIST image pooled to 14x14, row-major: each value the mean of a 2x2 block of pixels (0..255) divided by 255", expectedRange: UNIT },
  },
  "breast-cancer": {
    decision: "threshold", labels: ["benign", "malignant"],
    preprocessing: { description: "30 Breast Cancer Wisconsin (Diagnostic) features, each standardised as (feature - mean) / std with the train split's statistics (mean, std, features)" },
  },
  "zoo:keras-nhwc-digits": { decision: "argmax", labels: DIGITS, preprocessing: { description: `${DIGITS_PIXELS} (NHWC: one channel last)`, expectedRange: UNIT } },
  "zoo:mobilenet-digits": { decision: "argmax", labels: DIGITS, preprocessing: { description: DIGITS_PIXELS, expectedRange: UNIT } },
  "zoo:resnet-digits": { decision: "argmax", labels: DIGITS, preprocessing: { description: DIGITS_PIXELS, expectedRange: UNIT } },
  // A denoiser: its output is an image (each value a pixel / 16), not classes.
  "zoo:unet-digits": { preprocessing: { description: `${DIGITS_PIXELS}; the model denoises it`, expectedRange: UNIT } },
};

export type CardFields = Pick<ModelInfo, "labels" | "architecture" | "accuracy"> & { decision?: "argmax" | "threshold"; preprocessing: Preprocessing };

/** The layers' op types in order (the quantizer's record) and the distinct ops; absent when not recorded. */
function architecture(m: Manifest): ModelInfo["architecture"] {
  const layers = (m as { quantization?: { layers?: { opType?: unknown }[] } }).quantization?.layers;
  if (!Array.isArray(layers)) return undefined;
  const ops = layers.map((l) => l?.opType).filter((o): o is string => typeof o === "string");
  return ops.length ? { layers: ops, ops: [...new Set(ops)] } : undefined;
}

/** The test-set figures the manifest records (float and integer model), with their metric. */
function accuracy(m: Manifest): ModelInfo["accuracy"] {
  const a = (m as { accuracy?: Record<string, unknown> }).accuracy;
  if (!a || typeof a.integer !== "number") return undefined;
  return {
    integer: a.integer,
    ...(typeof a.float === "number" ? { float: a.float } : {}),
    ...(typeof a.testSamples === "number" ? { testSamples: a.testSamples } : {}),
    metric: typeof a.metric === "string" ? a.metric : "accuracy",
  };
}

/** The card fields of a model folder's manifest (`dir` is the folder, for a training card next to it). */
export function cardFields(m: Manifest, dir: string): CardFields {
  const raw = m as Manifest & { labels?: unknown; preprocessing?: unknown; recipe?: { dataset?: unknown; float?: unknown } };
  const known = typeof raw.recipe?.dataset === "string" ? DATASETS[raw.recipe.dataset] : undefined;
  const outputSize = m.output.shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1);
  const labels = Array.isArray(raw.labels) && raw.labels.every((l) => typeof l === "string") ? (raw.labels as string[]) : known?.labels;
  const decision = known ? known.decision : outputSize > 1 ? "argmax" : undefined;
  const preprocessing: Preprocessing = { ...(known?.preprocessing ?? { description: "not recorded: the float input is taken as the model's float input" }) };
  if (typeof raw.preprocessing === "string") preprocessing.description = raw.preprocessing;
  Object.assign(preprocessing, standardisation(dir, raw.recipe?.float, m.input.shape));
  const out: CardFields = { preprocessing };
  const arch = architecture(m);
  if (arch) out.architecture = arch;
  const acc = accuracy(m);
  if (acc) out.accuracy = acc;
  if (decision) out.decision = decision;
  // Labels that do not name every class would mislabel; they are left off.
  if (decision && labels && labels.length === (decision === "threshold" ? 2 : outputSize)) out.labels = labels;
  return out;
}

/**
 * Per-feature mean and std from the training card (training.json: input.mean, input.std,
 * input.features) next to the model or next to its float model (recipe.float, relative to the
 * repository that holds the models folder).
 */
function standardisation(dir: string, float: unknown, shape: (number | string)[]): Partial<Preprocessing> {
  const n = shape.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1);
  const candidates = [path.join(dir, "training.json")];
  if (typeof float === "string") candidates.push(path.resolve(dir, "..", "..", path.dirname(float), "training.json"));
  for (const file of candidates) {
    if (!existsSync(file)) continue;
    let card: { input?: { mean?: unknown; std?: unknown; features?: unknown } };
    try {
      card = JSON.parse(readFileSync(file, "utf8"));
    } catch {
      continue;
    }
    const { mean, std, features } = card.input ?? {};
    const nums = (v: unknown): v is number[] => Array.isArray(v) && v.length === n && v.every((x) => typeof x === "number");
    if (!nums(mean) || !nums(std)) continue;
    const names = Array.isArray(features) && features.length === n && features.every((f) => typeof f === "string") ? { features: features as string[] } : {};
    return { ...names, mean, std };
  }
  return {};
}

/** The output as the client reads it: output / 2^shift, and for a classifier the class and its name. */
export function readOutput(info: Pick<ModelInfo, "output" | "labels">, output: number[]): OutputReading {
  const scale = 2 ** info.output.shift;
  const r: OutputReading = { outputFloat: output.map((q) => q / scale) };
  if (output.length === 0) return r;
  if (info.output.decision === "argmax") r.argmax = output.reduce((best, v, i) => (v > output[best] ? i : best), 0);
  // One score p: class 1 when p > 1/2, the argmax of [1 - p, p] (a tie stays 0).
  else if (info.output.decision === "threshold" && output.length === 1) r.argmax = output[0] > 2 ** (info.output.shift - 1) ? 1 : 0;
  if (r.argmax !== undefined && info.labels) r.label = info.labels[r.argmax];
  return r;
}
