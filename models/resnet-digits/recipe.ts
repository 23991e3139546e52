/**
 * Rebuilds models/resnet-digits from the zoo's float export (models/zoo/resnet-digits: a ResNet-style CNN: BatchNorm folded, residual Adds, a 1x1 projection skip, GlobalAveragePool), reproducibly:
 *   npx tsx models/resnet-digits/recipe.ts
 * (quantize on the train split, integer ONNX, circuit, setup, manifest: models/lib/zoo-recipe.ts).
 */
import { fileURLToPath } from "node:url";
import { buildZooModel } from "../lib/zoo-recipe.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";

export const RECIPE = { name: "resnet-digits", templateName: "ResnetDigits", output: "class logits, int32 (argmax = digit)" };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildZooModel(RECIPE, fileURLToPath(new URL(".", import.meta.url)));
  await terminateSnarkjsCurves();
}
