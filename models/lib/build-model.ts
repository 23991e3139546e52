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
import { setupModelCircuit } from "../../prover/prepare-model.ts";
import { REPO_ROOT } from "../../prover/circom.ts";
import { predictedLabel } from "./datasets.ts";

export interface BuildModelOptions {
  name: string;
  templateName: string;
  dir: string;
  float: Graph;
  calibration: ArrayLike<number>[];
  test: { x: ArrayLike<number>; label: number; target?: ArrayLike<number> }[];
  /** How the test split is scored: the label's accuracy (default) or, for an image-to-image model, the mean squared error against `target`. */
  metric?: "accuracy" | "mse";
  /** Per-channel weight scales (see QuantizeOptions.perChannel). */
  perChannel?: boolean;
  inputShift?: number;
  recipe: Record<string, unknown>;
  /** Skip the Groth16 setup (large circuits: run `zkinfer setup` when needed). */
  skipSetup?: boolean;
  log: (msg: string) => void;
}

/** Mean over elements of (output / 2^shift - target)^2. */
export function squaredError(out: ArrayLike<number>, target: ArrayLike<number>, shift: number): number {
  let e = 0;
  for (let j = 0; j < target.length; j++) e += (Number(out[j]) / 2 ** shift - Number(target[j])) ** 2;
  return e / target.length;
}

export async function buildModel(o: BuildModelOptions): Promise<void> {
  mkdirSync(o.dir, { recursive: true });
  writeFileSync(join(o.dir, "model.float.onnx"), writeOnnx(o.float));
  const { graph, report, notes } = quantizeModel(o.float, o.calibration, { inputShift: o.inputShift, name: o.name, perChannel: o.perChannel });
  const intBytes = writeOnnx(graph);
  const intPath = join(o.dir, "model.int8.onnx");
  writeFileSync(intPath, intBytes);

  const inputName = o.float.inputs[0].name;
  const inDims = graph.inputs[0].dims as number[];
  let floatScore = 0, intScore = 0;
  for (const s of o.test) {
    const f = evaluateFloatOutput(o.float, { [inputName]: Float64Array.from(s.x) }).data;
    const q = await runOnnx(intBytes, quantizeInput(s.x, report.inputShift), inDims);
    if (o.metric === "mse") {
      floatScore += squaredError(Array.from(f), s.target!, 0);
      intScore += squaredError(q, s.target!, report.outputShift);
    } else {
      if (predictedLabel(f, 0) === s.label) floatScore++;
      if (predictedLabel(q, report.outputShift) === s.label) intScore++;
    }
  }
  const accuracy = { ...(o.metric === "mse" ? { metric: "mse" } : {}), float: floatScore / o.test.length, integer: intScore / o.test.length, testSamples: o.test.length };
  o.log(`float ${o.metric ?? "accuracy"} ${accuracy.float.toFixed(5)}, integer ${accuracy.integer.toFixed(5)}`);

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
  const setup = await setupModelCircuit(o.dir, built.r1cs, { log: { info: o.log } });
  // The record stays in build/setup/<hash>/setup.json: a key with a secret contribution is not reproducible.
  o.log(`verifying key ${setup.vkeyHash.slice(0, 12)} (development powers of tau: untrusted, INSECURE)`);
}
