/**
 * Rebuilds models/tabular-breast-cancer from the zoo's float export, reproducibly:
 *   npx tsx models/tabular-breast-cancer/recipe.ts
 * reads models/zoo/tabular-breast-cancer/model.float.onnx (BatchNorm1d on the input, Linear+Tanh,
 * Linear+GELU (erf), Linear+Sigmoid; trained by the zoo's export.py), calibrates the quantizer on
 * the train split, writes the integer ONNX (each activation a signed int8 requant and a 256-entry
 * Gather table), compiles the circuit (circuits/generated/tabular-breast-cancer.circom) and writes
 * the manifest. The output is the malignancy risk as int8 at scale 2^7 (127 ≈ 1); a label is
 * "malignant" when it is above 64 (risk > 0.5), as the float model's > 0.5.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readOnnx } from "../../prover/onnx/proto.ts";
import { breastCancerSplits } from "../lib/breast-cancer.ts";
import { buildModel } from "../lib/build-model.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";

export const TABULAR_BREAST_CANCER = {
  name: "tabular-breast-cancer",
  float: "models/zoo/tabular-breast-cancer/model.float.onnx",
  dataset: "breast-cancer",
  data: "models/zoo/data/breast-cancer.csv.gz (scikit-learn breast cancer, BSD-3-Clause); test split: models/zoo/tabular-breast-cancer/test-split.json.gz",
  calibration: "train split (455 rows)",
  output: "risk of malignancy, int8 at scale 2^7; label 1 when > 64",
};

async function main() {
  const dir = fileURLToPath(new URL(".", import.meta.url));
  const float = readOnnx(readFileSync(fileURLToPath(new URL("../zoo/tabular-breast-cancer/model.float.onnx", import.meta.url))));
  const { train, test } = breastCancerSplits();
  const log = (m: string) => process.stdout.write(`${m}\n`);
  await buildModel({
    name: TABULAR_BREAST_CANCER.name,
    templateName: "TabularBreastCancer",
    dir,
    float,
    calibration: train.map((s) => s.x),
    test,
    recipe: { ...TABULAR_BREAST_CANCER },
    log,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  await terminateSnarkjsCurves();
}
