/**
 * Rebuilds models/unet-digits from the zoo's float export (models/zoo/unet-digits: a U-Net-style denoiser: MaxPool, Resize nearest, ConvTranspose, a Concat skip, Sigmoid), reproducibly:
 *   npx tsx models/unet-digits/recipe.ts
 * (quantize on the train split, integer ONNX, circuit, setup, manifest: models/lib/zoo-recipe.ts).
 */
import { fileURLToPath } from "node:url";
import { buildZooModel } from "../lib/zoo-recipe.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";

export const RECIPE = { name: "unet-digits", templateName: "UnetDigits", noise: 0.3, output: "denoised 8x8 image, int8 at the output scale (Sigmoid table)" };

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildZooModel(RECIPE, fileURLToPath(new URL(".", import.meta.url)));
  await terminateSnarkjsCurves();
}
