/**
 * Rebuilds models/fmnist-dense-784-56-10 reproducibly (ZKML-Benchmark architecture, on Fashion-MNIST):
 *   npx tsx models/fmnist-dense-784-56-10/recipe.ts [--train-dir DIR] [--float-only]
 * The model: 28x28 input flattened (784) → dense 56, ReLU → dense 10.
 * Trains it seeded on the CPU, writes model.float.onnx and training.json (float accuracy on
 * the 10,000 test images), then quantizes, compiles and sets up the circuit unless --float-only.
 * The training split is read from --train-dir, $FASHION_MNIST_DIR, ../shared/data/fashion-mnist
 * or /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), in that order.
 */
import { fileURLToPath } from "node:url";
import { runFashionRecipe, type FashionRecipe } from "../lib/nn/fmnist-recipe.ts";

export const FMNIST_DENSE_784_56_10: FashionRecipe = {
  name: "fmnist-dense-784-56-10",
  templateName: "FmnistDense784x56x10",
  side: 28,
  input: "flat",
  specs: [{ type: "dense", units: 56 }, { type: "relu" }, { type: "dense", units: 10 }],
  seed: 2,
  epochs: 20,
  batch: 64,
  lr: 0.001,
  lrDecay: 0.9,
  weightDecay: 0,
  calibrationSamples: 1000,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runFashionRecipe(FMNIST_DENSE_784_56_10, fileURLToPath(new URL(".", import.meta.url)));
}
