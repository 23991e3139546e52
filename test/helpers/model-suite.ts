/**
 * Every model in models/, as the end-to-end suite of ezkl does: the committed circuit is the
 * compiler's output for the committed integer ONNX; onnxruntime, the evaluator and the circuit
 * witness agree bit for bit on test images and on extreme inputs; the manifest's accuracy (or,
 * for an image-to-image model, mean squared error) is what onnxruntime gives on the whole test
 * split and within a point of the float model's; and the two smallest models and every model
 * from the zoo of PyTorch exports (models/zoo) get a full proof, verified.
 */
import { readdirSync, existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openModelDir, buildModelCircuit, MODELS_DIR, type ModelDir } from "../../prover/model-dir.ts";
import { readOnnx } from "../../prover/onnx/proto.ts";
import { runOnnx } from "../../prover/onnx/runtime.ts";
import { evaluateOutput } from "../../prover/evaluate-integer.ts";
import { publicWitnesses } from "./witness-workers.ts";
import { compileToCircom } from "../../prover/compiler/compile.ts";
import { quantizeInput } from "../../prover/quantize/index.ts";
import { circuitInputs } from "../../prover/inputs.ts";
import { decodePublicSignals, proveGroth16, verifyGroth16 } from "../../prover/prove.ts";
import { prepareModel } from "../../prover/prepare-model.ts";
import { inputCommitment } from "../../prover/commitment.ts";
import { buildHash } from "../../prover/compiler/build.ts";
import { datasetOf, predictedLabel, testSamples } from "../../models/lib/datasets.ts";
import { squaredError } from "../../models/lib/build-model.ts";

/**
 * Test inputs whose witness is checked, by circuit size: a witness costs 5 ms for a small model
 * and up to a second for the largest, where the circom compile already dominates. Every model is
 * also checked on the extreme inputs, its manifest records the compile-time check on 256 seeded
 * random and 5 extreme inputs, and onnxruntime == evaluator holds on the whole test split (the
 * accuracy test runs both).
 */
/** Constraints above which a model is "large": its circom compile takes a minute or more. */
export const LARGE = 50_000;
export const samplesFor = (constraints: number) => (constraints > LARGE ? 12 : constraints > 5_000 ? 40 : 200);
const EXTREMES: [string, (i: number) => number][] = [
  ["all -128", () => -128], ["all 127", () => 127], ["alternating -128/127", (i) => (i % 2 ? 127 : -128)], ["all 0", () => 0],
];
/** Every model folder of models/, by name. */
export const allModels: ModelDir[] = readdirSync(MODELS_DIR)
  .filter((d) => existsSync(path.join(MODELS_DIR, d, "manifest.json")))
  .sort()
  .map((d) => openModelDir(d));
const smallestTwo = [...allModels].sort((a, b) => a.manifest.circuit.constraints - b.manifest.circuit.constraints).slice(0, 2);
export const fromZoo = (m: ModelDir) => datasetOf(m.manifest).startsWith("zoo:");

const dimsOf = (m: ModelDir) => m.manifest.input.shape.map((d) => (typeof d === "number" ? d : 1));

/**
 * The per-model suite for `models` (a share of allModels: the test files split them so that
 * vitest runs them side by side).
 */
export function modelSuite(models: ModelDir[], opts: { witness?: boolean; samples?: number } = {}): void {
  const witness = opts.witness ?? true;
  describe.each(models.map((m) => [m.manifest.name, m] as const))("%s", (_name, m) => {
    const onnx = readFileSync(m.onnxPath);
    const graph = readOnnx(onnx);
    const samples = testSamples(datasetOf(m.manifest));
    const quantized = (n: number) => samples.slice(0, n).map((s) => quantizeInput(s.x, m.manifest.input.shift));

    it("the committed circuit is what the compiler makes from the committed integer ONNX", () => {
      const { source } = compileToCircom(graph, { templateName: m.manifest.circuit.template, visibility: m.manifest.visibility as never });
      expect(readFileSync(m.circuitPath, "utf8")).toBe(source);
      // The manifest's sourceHash covers the circuit and the circuit library it includes.
      expect(m.manifest.circuit.sourceHash).toBe(buildHash(source));
    });

    const nSamples = opts.samples ?? (witness ? samplesFor(m.manifest.circuit.constraints) : 50);
    const who = witness ? "onnxruntime, the evaluator and the circuit witness" : "onnxruntime and the evaluator";
    it(`${who} agree on ${nSamples} test inputs and ${EXTREMES.length} extreme ones`, async () => {
      const nPub = m.manifest.publicSignals.length;
      const size = dimsOf(m).reduce((a, b) => a * b, 1);
      const xs = [...quantized(nSamples), ...EXTREMES.map(([, f]) => Int8Array.from({ length: size }, (_, i) => f(i)))];
      // The witnesses (most of the time) are computed on worker threads while this one runs onnxruntime and the evaluator.
      const witnesses = witness
        ? buildModelCircuit(m).then((build) => publicWitnesses(build.wasm, xs.map((x) => circuitInputs(m.manifest, x, { graph })), nPub))
        : undefined;
      witnesses?.catch(() => {}); // awaited below; a failure must not surface as unhandled before that
      const expected: number[][] = [];
      for (const x of xs) {
        const ort = await runOnnx(onnx, x, dimsOf(m));
        const ev = evaluateOutput(graph, { [graph.inputs[0].name]: { dtype: "int8", dims: dimsOf(m), data: Array.from(x) } }).data;
        expect(ev).toEqual(ort);
        expected.push(ort);
      }
      if (!witnesses) return;
      const publics = await witnesses;
      expect(publics).toHaveLength(xs.length);
      publics.forEach((w, i) => {
        const pub = decodePublicSignals(w.map(String), m.manifest.publicSignals);
        expect(pub.output.map(Number)).toEqual(expected[i]);
      });
    }, 600_000);

    it("the manifest's integer accuracy (or error) is onnxruntime's on the whole test split, within a point of the float model's", async () => {
      const acc = m.manifest.accuracy as { integer: number; float: number; testSamples: number; metric?: string };
      expect(acc.testSamples).toBe(samples.length);
      let score = 0;
      for (const s of samples) {
        const out = await runOnnx(onnx, quantizeInput(s.x, m.manifest.input.shift), dimsOf(m));
        if (acc.metric === "mse") score += squaredError(out, s.target!, m.manifest.output.shift);
        else if (predictedLabel(out, m.manifest.output.shift) === s.label) score++;
      }
      expect(score / samples.length).toBeCloseTo(acc.integer, 10);
      // Accuracy: at most 1 point below the float model; mean squared error: at most 5 % above it.
      if (acc.metric === "mse") expect(acc.integer).toBeLessThanOrEqual(acc.float * 1.05);
      else expect(acc.float - acc.integer).toBeLessThanOrEqual(0.01);
    }, 300_000);

    if (smallestTwo.includes(m) || fromZoo(m)) {
      it("a full proof of a test input verifies and carries the served output", async () => {
        const { build, setup } = await prepareModel(m);
        expect(setup.circuitHash).toBe(m.manifest.circuit.hash);
        expect(setup.contributions.some((c) => c.kind === "contribution")).toBe(true);
        const [x] = quantized(1);
        const { proof, publicSignals } = await proveGroth16(setup.zkeyPath, build.wasm, circuitInputs(m.manifest, x, { graph }));
        expect(await verifyGroth16(JSON.parse(readFileSync(setup.vkeyPath, "utf8")), publicSignals, proof)).toBe(true);
        const pub = decodePublicSignals(publicSignals, m.manifest.publicSignals);
        expect(pub.output.map(Number)).toEqual(await runOnnx(onnx, x, dimsOf(m)));
        expect(pub.inputCommitment).toBe(await inputCommitment(x));
      }, 300_000);
    }
  });
}

/**
 * Share `k` of `n` of `models`, dealt largest first so each share gets a like amount of work (a
 * model's setup and witnesses cost about its constraint count).
 */
export function shareOf(models: ModelDir[], k: number, n: number): ModelDir[] {
  return [...models].sort((a, b) => b.manifest.circuit.constraints - a.manifest.circuit.constraints).filter((_, i) => i % n === k);
}
