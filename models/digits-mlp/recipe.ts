/**
 * Rebuilds models/digits-mlp from the data in this folder, reproducibly:
 *   npx tsx models/digits-mlp/recipe.ts
 * trains a 64 → 32 → 10 ReLU MLP (seeded), writes the float ONNX, quantizes it to the integer
 * ONNX, compiles the circuit (circuits/generated/digits-mlp.circom) and writes the manifest.
 */
import { fileURLToPath } from "node:url";
import { loadDigits, splitDigits, digitsFloatInput } from "../lib/digits.ts";
import { trainMlp, mlpToOnnx } from "../lib/mlp.ts";
import { buildModel } from "../lib/build-model.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";

export const DIGITS_MLP = {
  name: "digits-mlp",
  sizes: [64, 32, 10],
  epochs: 60,
  batch: 32,
  lr: 0.003,
  weightDecay: 1e-4,
  seed: 7,
  /** Pixels are 0..16 and the float input is pixel / 16: 2^4 makes the int8 input the raw pixel. */
  inputShift: 4,
};

async function main() {
  const dir = fileURLToPath(new URL(".", import.meta.url));
  const { train, test } = splitDigits(loadDigits());
  const log = (m: string) => process.stdout.write(`${m}\n`);
  log(`training ${DIGITS_MLP.sizes.join(" → ")} on ${train.length} digits (test: ${test.length})`);
  const layers = trainMlp(train.map(digitsFloatInput), train.map((s) => s.label), {
    ...DIGITS_MLP,
    log: (m) => (m.endsWith(`${DIGITS_MLP.epochs}/${DIGITS_MLP.epochs}`) || m.includes(" 1/") ? log(m) : undefined),
  });
  await buildModel({
    name: DIGITS_MLP.name,
    templateName: "DigitsMlp",
    dir,
    float: mlpToOnnx(layers, DIGITS_MLP.name),
    calibration: train.map(digitsFloatInput),
    test: test.map((s) => ({ x: digitsFloatInput(s), label: s.label })),
    inputShift: DIGITS_MLP.inputShift,
    recipe: { ...DIGITS_MLP, dataset: "digits", data: "data/digits.csv.gz (scikit-learn digits, BSD-3-Clause)", split: "seeded 80/20" },
    log,
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await main();
  await terminateSnarkjsCurves();
}
