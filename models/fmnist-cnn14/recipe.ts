/**
 * Rebuilds models/fmnist-cnn14 reproducibly (ZKML-Benchmark architecture, on Fashion-MNIST):
 *   npx tsx models/fmnist-cnn14/recipe.ts [--train-dir DIR] [--float-only]
 * The model: 14x14 input, conv 5@3x3, ReLU, avg pool 2x2, conv 11@3x3, ReLU, avg pool 2x2,
 * flatten (44) → dense 80, ReLU → dense 10.
 * Trains it seeded on the CPU, writes model.float.onnx and training.json (float accuracy on
 * the 10,000 test images), then quantizes, compiles and sets up the circuit unless --float-only.
 * The training split is read from --train-dir, $FASHION_MNIST_DIR, ../shared/data/fashion-mnist
 * or /usr/share/datasets/fashion-mnist (Debian's dataset-fashion-mnist), in that order.
 */
import { fileURLToPath } from "node:url";
import { runFashionRecipe, type FashionRecipe } from "../lib/nn/fmnist-recipe.ts";

export const FMNIST_CNN14: FashionRecipe = {
  name: "fmnist-cnn14",
  templateName: "FmnistCnn14",
  side: 14,
  input: "image",
  specs: [
    { type: "conv", filters: 5, kernel: 3 }, { type: "relu" }, { type: "avgpool" },
    { type: "conv", filters: 11, kernel: 3 }, { type: "relu" }, { type: "avgpool" },
    { type: "flatten" }, { type: "dense", units: 80 }, { type: "relu" }, { type: "dense", units: 10 },
  ],
  seed: 4,
  epochs: 20,
  batch: 32,
  lr: 0.002,
  lrDecay: 0.9,
  weightDecay: 0,
  calibrationSamples: 1000,
};

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runFashionRecipe(FMNIST_CNN14, fileURLToPath(new URL(".", import.meta.url)));
}
