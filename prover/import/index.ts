/**
 * `zkinfer import` as a library call: a float ONNX and sample inputs in, a complete model folder
 * out (anywhere on disk): simplify and quantize (calibrated on the preprocessed calibration
 * inputs), float vs integer on the test inputs, compile with the differential check, Groth16
 * setup, and a manifest that is the model's card. Written into a staging folder and renamed into
 * place at the end, so a failure at any step leaves the output folder as it was.
 *
 * @example
 *   const r = await importModel({ floatPath: "net.onnx", calibration: "train.csv", test: "test.csv",
 *     labelColumn: "label", outDir: "models/net", preprocessing: { mean: 0.5, std: 0.25 } });
 *   console.log(r.manifest.accuracy);
 */
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ProverError } from "../errors.ts";
import { readOnnx, writeOnnx } from "../onnx/proto.ts";
import type { Graph } from "../onnx/graph.ts";
import { simplifyFloatGraph } from "../graph/index.ts";
import { quantizeModel, type QuantizeOptions } from "../quantize/index.ts";
import { compileModelFile, sha256 } from "../compiler/model.ts";
import { MODEL_NAME, templateNameFor } from "../compiler/circuit-path.ts";
import type { Visibility } from "../compiler/compile.ts";
import type { DifferentialOptions } from "../compiler/differential.ts";
import { summarize, type PtauSource } from "../setup.ts";
import { setupModelCircuit } from "../prepare-model.ts";
import { readSamples, type Samples } from "./samples.ts";
import { checkPreprocessing, describePreprocessing, IDENTITY, preprocess, type Preprocessing } from "./preprocess.ts";
import { checkLabels, measureAccuracy } from "./accuracy.ts";
import { checkOutDir, stageOutDir } from "./out-dir.ts";
import { modelCard, refuseIntegerModel } from "./card.ts";

export { readSamples, type Samples } from "./samples.ts";
export { readNpy, writeNpy } from "./npy.ts";
export { discardStagedDirs } from "./out-dir.ts";
export { preprocess } from "./preprocess.ts";
export type { Preprocessing };

/** One step's progress (the CLI draws it as a bar). */
export interface StepProgress {
  tick(done?: number, total?: number): void;
  note(message: string): void;
  done(summary?: string): void;
  fail(): void;
}
export interface ImportProgress {
  step(name: string, total?: number): StepProgress;
}

export interface ImportOptions {
  floatPath: string;
  calibration: string;
  test?: string;
  outDir: string;
  /** Default: the output folder's name. */
  name?: string;
  /** CSV files: the label column (header name or 0-based index). */
  labelColumn?: string;
  preprocessing?: Partial<Preprocessing>;
  /** A single output's label is 1 above this value (default 0.5, a probability). */
  threshold?: number;
  quantize?: Omit<QuantizeOptions, "name">;
  visibility?: Partial<Visibility>;
  nonce?: boolean;
  check?: Omit<DifferentialOptions, "onProgress">;
  /** The powers of tau (default: the development one in the data directory); false: no setup. */
  ptau?: PtauSource | false;
  progress?: ImportProgress;
}

export interface ImportResult {
  dir: string;
  manifest: Record<string, unknown>;
}

export const DEFAULT_THRESHOLD = 0.5;

const quiet: ImportProgress = { step: () => ({ tick() {}, note() {}, done() {}, fail() {} }) };

/** Runs fn as a progress step: its line on success, none (the error says why) on failure. */
async function step<T>(p: ImportProgress, name: string, fn: (s: StepProgress) => Promise<T> | T, summary: (r: T) => string, total?: number): Promise<T> {
  const s = p.step(name, total);
  try {
    const r = await fn(s);
    s.done(summary(r));
    return r;
  } catch (e) {
    s.fail();
    throw e;
  }
}

export async function importModel(o: ImportOptions): Promise<ImportResult> {
  const progress = o.progress ?? quiet;
  const outDir = path.resolve(o.outDir);
  const name = o.name ?? path.basename(outDir);
  if (!MODEL_NAME.test(name)) throw new ProverError(`name "${name}" must be lower-case letters, digits and dashes (give --name; the default is the output folder's name)`, { field: "name" });
  let floatBytes: Buffer;
  let float: Graph;
  try {
    floatBytes = readFileSync(o.floatPath);
    float = readOnnx(floatBytes);
  } catch (e) {
    throw new ProverError(`${o.floatPath}: ${(e as Error).message}`, { field: "<model.onnx>" });
  }
  const source = sha256(floatBytes);
  refuseIntegerModel(float, o.floatPath);
  checkOutDir(outDir, source);
  const features = float.inputs[0].dims.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1);
  const pre = checkPreprocessing({ ...IDENTITY, ...o.preprocessing }, features, (k) => `--${k}`);
  // A refused sample file names the option that gave it (the CLI's --calibration, --test).
  const read = (file: string, labelOptional: boolean, field: string): Samples & { inputs: Float32Array[] } => {
    try {
      const s = readSamples(file, { features, labelColumn: o.labelColumn, labelOptional });
      return { ...s, inputs: s.rows.map((r) => preprocess(r, pre)) };
    } catch (e) {
      throw e instanceof ProverError && e.field === undefined ? new ProverError(e.message, { field, cause: e }) : e;
    }
  };
  const calibration = read(o.calibration, true, "calibration");
  const test = o.test ? read(o.test, false, "test") : undefined;
  // Labels are checked against the float model's output before any work.
  const out0 = float.outputs[0];
  if (test?.labels) checkLabels(test.labels, out0.dims.reduce<number>((a, d) => a * (typeof d === "number" ? d : 1), 1), out0.dtype === "int64", test.file, test.where);

  const q = await step(progress, "calibration", (s) => quantizeModel(float, calibration.inputs, { ...o.quantize, name, onEvaluate: () => s.tick() }), (r) => `${calibration.rows.length} inputs; input scale 2^${r.report.inputShift}, output scale 2^${r.report.outputShift}`, calibration.inputs.length);
  const intBytes = writeOnnx(q.graph);
  const threshold = o.threshold ?? DEFAULT_THRESHOLD;
  let accuracy: Awaited<ReturnType<typeof measureAccuracy>> | undefined;
  if (test) {
    const subject = { floatOnnx: floatBytes, simplified: simplifyFloatGraph(readOnnx(floatBytes)).graph, intOnnx: intBytes, intGraph: q.graph, inputShift: q.report.inputShift, outputShift: q.report.outputShift };
    accuracy = await step(progress, "accuracy", (s) => measureAccuracy(subject, test.inputs, test.labels, threshold, () => s.tick()),
      (a) => (a.float !== undefined ? `float ${a.float.toFixed(4)}, integer ${a.integer!.toFixed(4)}, agreement ${a.agreement.toFixed(4)}` : `agreement ${a.agreement.toFixed(4)}${a.meanAbsError !== undefined ? `, mean abs error ${a.meanAbsError.toPrecision(3)}` : ""}`), test.inputs.length);
  }

  const staged = stageOutDir(outDir);
  try {
    const dir = staged.dir;
    copyFileSync(o.floatPath, path.join(dir, "model.float.onnx"));
    writeFileSync(path.join(dir, "model.int8.onnx"), intBytes);
    // Messages name the folder the user asked for, not the staging folder.
    const shown: ImportProgress = { step: (n, t) => {
      const s = progress.step(n, t);
      return { tick: (d, t2) => s.tick(d, t2), done: (m) => s.done(m), fail: () => s.fail(), note: (m) => s.note(m.replaceAll(path.basename(dir), path.basename(outDir))) };
    } };
    const built = await compileSteps(shown, o, name, dir);
    const setup = o.ptau === false ? undefined : await step(progress, "setup", (s) =>
      setupModelCircuit(dir, built.r1cs, { ptau: o.ptau || undefined, log: { info: (m) => s.note(m) } }),
      (r) => `${r.cached ? "reused" : "made"}; ${r.trusted ? "trusted" : r.ptau.insecure ? "UNTRUSTED: development powers of tau (INSECURE)" : "UNTRUSTED: not a published ceremony powers of tau"}`);
    const manifestPath = path.join(dir, "manifest.json");
    const compiled = JSON.parse(readFileSync(manifestPath, "utf8")) as Record<string, unknown>;
    const manifest = modelCard(compiled, {
      float, floatFile: o.floatPath, source, quantized: q, preprocessing: describePreprocessing(pre),
      calibration: { file: o.calibration, sha256: calibration.sha256, samples: calibration.rows.length },
      test: test && { file: test.file, sha256: test.sha256, samples: test.rows.length, labelled: !!test.labels },
      accuracy, quantizeOptions: { ...o.quantize },
      setup: setup && { ...summarize(setup), trusted: setup.trusted, insecure: setup.ptau.insecure, record: path.relative(dir, path.join(setup.dir, "setup.json")) },
    });
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + "\n");
    staged.commit();
    return { dir: outDir, manifest };
  } catch (e) {
    staged.discard();
    throw e;
  }
}

/** compile (circom) then the differential check, each its own progress step. */
async function compileSteps(progress: ImportProgress, o: ImportOptions, name: string, dir: string) {
  const compile = progress.step("compile");
  let check: StepProgress | undefined;
  try {
    const r = await compileModelFile({
      name, templateName: templateNameFor(name), onnxPath: path.join(dir, "model.int8.onnx"), modelDir: dir, visibility: o.visibility, nonce: o.nonce,
      check: {
        ...o.check,
        onProgress: (done, total) => {
          if (!check) {
            compile.done("circuit built");
            check = progress.step("differential check", total);
          }
          check.tick(done, total);
        },
      },
      log: (m) => (check ?? compile).note(m),
    });
    (check ?? compile).done(`${r.constraints} constraints; the circuit computes what onnxruntime computes`);
    return r;
  } catch (e) {
    (check ?? compile).fail();
    throw e;
  }
}
