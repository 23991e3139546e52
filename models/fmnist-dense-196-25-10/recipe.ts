/**
 * Rebuilds models/fmnist-dense-196-25-10 reproducibly (ZKML-Benchmark architecture, on Fashion-MNIST):
 *   npx tsx models/fmnist-dense-196-25-10/recipe.ts [--train-dir DIR] [--float-only]
 * The model: 14x14 input flattened (196) → dense 25, ReLU → dense 10.
 * Trains it seeded on the CPU, writes model.float.onnx and training.json (float accuracy on
 * the 10,000 test images), then quantizes, compiles and sets up the circuit unless --float-only.
 * The training split is read from --train-dir, $FASHION_MNIST_DIR, ../shared/data/fashion-mnist
 * or /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), in that order.
 */
import { fileURLToPath } from "node:url";
import { runFashionRecipe, type FashionRecipe } from "../lib/nn/fmnist-recipe.ts";

export const FMNIST_DENSE_196_25_10: FashionRecipe = {
  name: "fmnist-dense-196-25-10",
  templateName: "FmnistDense196x25x10",
  side: 14,
  input: "flat",
  specs: [{ type: "dense", units: 25 }, { type: "relu" }, { type: "dense", units: 10 }],
  seed: 1,
  epochs: 30,
  batch: 64,
  lr: 0.002,
  lrDecay: 0.92,
  weightDecay: 0,
  calibrationSamples: 1000,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runFashionRecipe(FMNIST_DENSE_196_25_10, fileURLToPath(new URL(".", import.meta.url)));
}
