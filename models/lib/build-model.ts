/**
 * The shared tail of every model recipe: float ONNX → integer ONNX (quantizer) → accuracy of
 * both on the test split (the integer one through onnxruntime, as served) → circom → setup →
 * manifest.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Graph } from "../../prover/onnx/graph.ts";
import { writeOnnx } from "../../prover/onnx/proto.ts";
import { quantizeModel, quantizeInput } from "../../prover/quantize/index.ts";
import { evaluateFloatOutput } from "../../prover/graph/index.ts";
import { compileModelFile } from "../../prover/compiler/model.ts";
import { runOnnx } from "../../prover/onnx/runtime.ts";
import { setupGroth16 } from "../../prover/setup.ts";
import { REPO_ROOT } from "../../prover/circom.ts";
import { predictedLabel } from "./datasets.ts";

export interface BuildModelOptions {
  name: string;
  templateName: string;
  dir: string;
  float: Graph;
  calibration: ArrayLike<number>[];
  test: { x: ArrayLike<number>; label: number }[];
  inputShift?: number;
  recipe: Record<string, unknown>;
  /** Skip the Groth16 setup (large circuits: run `zkinfer setup` when needed). */
  skipSetup?: boolean;
  log: (msg: string) => void;
}

export async function buildModel(o: BuildModelOptions): Promise<void> {
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(join(o.dir, "model.float.onnx"), writeOnnx(o.float));
  const { graph, report, notes } = quantizeModel(o.float, o.calibration, { inputShift: o.inputShift, name: o.name });
  const intBytes = writeOnnx(graph);
  const intPath = join(o.dir, "model.int8.onnx");
  writeFileSync(intPath, intBytes);

  const inputName = o.float.inputs[0].name;
  let floatOk = 0, intOk = 0;
  for (const s of o.test) {
    if (predictedLabel(evaluateFloatOutput(o.float, { [inputName]: Float64Array.from(s.x) }).data, 0) === s.label) floatOk++;
    if (predictedLabel(await runOnnx(intBytes, quantizeInput(s.x, report.inputShift), graph.inputs[0].dims as number[]), report.outputShift) === s.label) intOk++;
  }
  const accuracy = { float: floatOk / o.test.length, integer: intOk / o.test.length, testSamples: o.test.length };
  o.log(`float accuracy ${(100 * accuracy.float).toFixed(2)} %, integer ${(100 * accuracy.integer).toFixed(2)} %`);

  const built = await compileModelFile({
    name: o.name,
    templateName: o.templateName,
    onnxPath: intPath,
    modelDir: o.dir,
    // The clone's committed layout: generated circuits in circuits/generated.
    circuitPath: join(REPO_ROOT, "circuits", "generated", `${o.name}.circom`),
    extra: { quantization: report, accuracy, notes, recipe: o.recipe },
    log: o.log,
  });
  if (o.skipSetup) return;
  const setup = await setupGroth16({
    r1csPath: built.r1cs,
    setupDir: join(o.dir, "build", "setup"),
    ptau: { kind: "dev", cacheDir: join(REPO_ROOT, "build", "ptau") },
    log: { info: o.log },
  });
  // The record stays in build/setup/<hash>/setup.json: a key with a secret contribution is not reproducible.
  o.log(`verifying key ${setup.vkeyHash.slice(0, 12)} (development powers of tau: untrusted, INSECURE)`);
}
