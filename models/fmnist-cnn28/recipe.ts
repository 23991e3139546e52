/**
 * Rebuilds models/fmnist-cnn28 reproducibly (ZKML-Benchmark architecture, on Fashion-MNIST):
 *   npx tsx models/fmnist-cnn28/recipe.ts [--train-dir DIR] [--float-only]
 * The model: 28x28 input, conv 6@5x5, ReLU, avg pool 2x2, conv 16@5x5, ReLU, avg pool 2x2,
 * flatten (256) → dense 10.
 * Trains it seeded on the CPU, writes model.float.onnx and training.json (float accuracy on
 * the 10,000 test images), then quantizes, compiles and sets up the circuit unless --float-only.
 * The training split is read from --train-dir, $FASHION_MNIST_DIR, ../shared/data/fashion-mnist
 * or /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), in that order.
 */
import { fileURLToPath } from "node:url";
import { runFashionRecipe, type FashionRecipe } from "../lib/nn/fmnist-recipe.ts";

export const FMNIST_CNN28: FashionRecipe = {
  name: "fmnist-cnn28",
  templateName: "FmnistCnn28",
  side: 28,
  input: "image",
  specs: [
    { type: "conv", filters: 6, kernel: 5 }, { type: "relu" }, { type: "avgpool" },
    { type: "conv", filters: 16, kernel: 5 }, { type: "relu" }, { type: "avgpool" },
    { type: "flatten" }, { type: "dense", units: 10 },
  ],
  seed: 5,
  epochs: 7,
  batch: 32,
  lr: 0.002,
  lrDecay: 0.75,
  weightDecay: 0,
  calibrationSamples: 1000,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runFashionRecipe(FMNIST_CNN28, fileURLToPath(new URL(".", import.meta.url)));
}
