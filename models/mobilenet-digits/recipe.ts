/**
 * Rebuilds models/mobilenet-digits from the zoo's float export (models/zoo/mobilenet-digits: a MobileNet-style CNN: depthwise separable convolutions, ReLU6, HardSwish, GlobalAveragePool), reproducibly:
 *   npx tsx models/mobilenet-digits/recipe.ts
 * (quantize on the train split, integer ONNX, circuit, setup, manifest: models/lib/zoo-recipe.ts).
 */
import { fileURLToPath } from "node:url";
import { buildZooModel } from "../lib/zoo-recipe.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";

export const RECIPE = { name: "mobilenet-digits", templateName: "MobilenetDigits", perChannel: true, output: "class logits, int32 (argmax = digit)" };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildZooModel(RECIPE, fileURLToPath(new URL(".", import.meta.url)));
  await terminateSnarkjsCurves();
}
