/**
 * The shared tail of every model recipe: float ONNX → integer ONNX (quantizer) → accuracy of
 * both on the test split (the integer one through onnxruntime) → circom → manifest.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Graph } from "../../prover/onnx/graph.ts";
import { writeOnnx } from "../../prover/onnx/proto.ts";
import { quantizeDenseChain, quantizeInput } from "../../prover/quantize/quantize.ts";
import { denseForward, readDenseChain } from "../../prover/quantize/dense-chain.ts";
import { compileModelFile } from "../../prover/compiler/model.ts";
import { runOnnx } from "../../prover/onnx/runtime.ts";
import { argmax } from "./mlp.ts";
import { setupGroth16 } from "../../prover/setup.ts";
import { openModelDir, recordSetup } from "../../prover/model-dir.ts";
import { REPO_ROOT } from "../../prover/circom.ts";

export interface BuildModelOptions {
  name: string;
  templateName: string;
  dir: string;
  float: Graph;
  calibration: ArrayLike<number>[];
  test: { x: ArrayLike<number>; label: number }[];
  inputShift?: number;
  recipe: Record<string, unknown>;
  log: (msg: string) => void;
}

export async function buildModel(o: BuildModelOptions): Promise<void> {
  mkdirSync(o.dir, { recursive: true });
  const floatBytes = writeOnnx(o.float);
  writeFileSync(join(o.dir, "model.float.onnx"), floatBytes);
  const { graph, report } = quantizeDenseChain(o.float, o.calibration, { inputShift: o.inputShift, name: o.name });
  const intBytes = writeOnnx(graph);
  const intPath = join(o.dir, "model.int8.onnx");
  writeFileSync(intPath, intBytes);

  const layers = readDenseChain(o.float);
  let floatOk = 0, intOk = 0;
  for (const s of o.test) {
    if (argmax(denseForward(layers, s.x).at(-1)!) === s.label) floatOk++;
    const q = quantizeInput(s.x, report.inputShift);
    if (argmax(await runOnnx(intBytes, q)) === s.label) intOk++;
  }
  const accuracy = { float: floatOk / o.test.length, integer: intOk / o.test.length, testSamples: o.test.length };
  o.log(`float accuracy ${(100 * accuracy.float).toFixed(2)} %, integer ${(100 * accuracy.integer).toFixed(2)} %`);

  const built = await compileModelFile({
    name: o.name,
    templateName: o.templateName,
    onnxPath: intPath,
    modelDir: o.dir,
    extra: { quantization: report, accuracy, recipe: o.recipe },
    log: o.log,
  });
  const setup = await setupGroth16({
    r1csPath: built.r1cs,
    setupDir: join(o.dir, "build", "setup"),
    ptau: { kind: "dev", cacheDir: join(REPO_ROOT, "build", "ptau") },
    log: { info: o.log },
  });
  recordSetup(openModelDir(o.dir), setup);
  o.log(`verifying key ${setup.vkeyHash.slice(0, 12)} (development setup, INSECURE)`);
}
