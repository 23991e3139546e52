/**
 * The recipe shared by the digits models of the zoo (models/zoo/*: PyTorch exports trained
 * there): the float export → quantizer (calibrated on the train split) → integer ONNX →
 * circuit → setup → manifest, into models/<name>/. Each model's recipe.ts calls it:
 *   npx tsx models/<name>/recipe.ts
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { readOnnx } from "../../prover/onnx/proto.ts";
import { buildModel } from "./build-model.ts";
import { zooDigitsTrain, zooTestSplit } from "./zoo-digits.ts";

export interface ZooRecipe {
  name: string;
  templateName: string;
  /** Noise sigma of the denoiser's inputs (0: a classifier). */
  noise?: number;
  perChannel?: boolean;
  output: string;
}

export async function buildZooModel(r: ZooRecipe, dir: string): Promise<void> {
  const floatPath = `models/zoo/${r.name}/model.float.onnx`;
  const float = readOnnx(readFileSync(fileURLToPath(new URL(`../../${floatPath}`, import.meta.url))));
  const train = zooDigitsTrain(r.name, r.noise ?? 0);
  const { test } = zooTestSplit(r.name);
  await buildModel({
    name: r.name,
    templateName: r.templateName,
    dir,
    float,
    calibration: train.map((s) => s.x),
    test,
    metric: r.noise ? "mse" : "accuracy",
    perChannel: r.perChannel,
    recipe: {
      name: r.name,
      float: floatPath,
      dataset: `zoo:${r.name}`,
      data: `models/digits-mlp/data/digits.csv.gz (scikit-learn digits, BSD-3-Clause); test split: models/zoo/${r.name}/test-split.json.gz; training: models/zoo/${r.name}/training.json`,
      calibration: `train split (${train.length} images${r.noise ? `, with Gaussian noise sigma ${r.noise} clipped to [0, 1]` : ""})`,
      ...(r.perChannel ? { weightScales: "per output channel" } : {}),
      output: r.output,
    },
    log: (m) => process.stdout.write(`${m}\n`),
  });
}
