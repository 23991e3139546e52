/**
 * The breast cancer (Wisconsin diagnostic) data set as the zoo's tabular model was trained and
 * evaluated on it: the CSV of models/zoo/data, standardised with the train split's mean and std
 * that models/zoo/tabular-breast-cancer/training.json records. The test split is the zoo's
 * test-split.json.gz (the inputs exactly as fed to the ONNX; numpy's seeded permutation is not
 * re-implemented here); the train split is every CSV row whose standardised float32 features
 * are not a test input.
 */
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { fileURLToPath } from "node:url";

const ZOO = new URL("../zoo/", import.meta.url);
export const BREAST_CANCER_CSV = fileURLToPath(new URL("data/breast-cancer.csv.gz", ZOO));
const CARD = fileURLToPath(new URL("tabular-breast-cancer/training.json", ZOO));
const SPLIT = fileURLToPath(new URL("tabular-breast-cancer/test-split.json.gz", ZOO));

export interface TabularSample {
  x: Float32Array;
  label: number;
}

/** The card's mean and std are rounded to 8 decimals: a row is a test input if every feature is within 1e-4. */
const near = (a: Float32Array, b: Float32Array) => a.every((v, j) => Math.abs(v - b[j]) < 1e-4);

export function breastCancerSplits(): { train: TabularSample[]; test: TabularSample[] } {
  const split = JSON.parse(gunzipSync(readFileSync(SPLIT)).toString("utf8")) as { inputs: number[][]; targets: number[][] };
  const test = split.inputs.map((x, i) => ({ x: Float32Array.from(x.flat()), label: Number(split.targets[i].flat()[0]) }));
  const card = JSON.parse(readFileSync(CARD, "utf8")) as { input: { mean: number[]; std: number[] } };
  const { mean, std } = card.input;
  const rows = gunzipSync(readFileSync(BREAST_CANCER_CSV)).toString("utf8").trim().split("\n").slice(1);
  const all = rows.map((r) => {
    const v = r.split(",").map(Number);
    return { x: Float32Array.from(v.slice(0, 30), (f, j) => (f - mean[j]) / std[j]), label: v[30] };
  });
  const train = all.filter((s) => !test.some((t) => near(s.x, t.x)));
  if (train.length !== all.length - test.length) throw new Error(`${BREAST_CANCER_CSV}: ${all.length - train.length} rows match the ${test.length} test inputs`);
  return { train, test };
}
