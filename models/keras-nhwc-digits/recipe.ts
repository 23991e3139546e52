/**
 * Rebuilds models/keras-nhwc-digits from the zoo's float export (models/zoo/keras-nhwc-digits: a Keras-layout CNN: NHWC input, Transpose pairs around the convolutions, Softmax), reproducibly:
 *   npx tsx models/keras-nhwc-digits/recipe.ts
 * (quantize on the train split, integer ONNX, circuit, setup, manifest: models/lib/zoo-recipe.ts).
 */
import { fileURLToPath } from "node:url";
import { buildZooModel } from "../lib/zoo-recipe.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";

export const RECIPE = { name: "keras-nhwc-digits", templateName: "KerasNhwcDigits", output: "class scores before the dropped Softmax, int32 (argmax = digit)" };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildZooModel(RECIPE, fileURLToPath(new URL(".", import.meta.url)));
  await terminateSnarkjsCurves();
}
