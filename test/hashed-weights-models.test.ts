/**
 * Hashed weights on every example model. The quantizer lowers AveragePool to a ConvInteger
 * with an all-ones kernel; taken for a trained weight, that kernel became a private input
 * ranging over int8, the window sum could be negative, and no CNN compiled. Now the kernel
 * stays a circuit constant (quantizer-made graphs list their weights; user graphs are
 * recognised by the kernel's shape), and a hashed CNN's witness equals onnxruntime.
 */
import { mkdirSync, readdirSync, existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileToCircom } from "../prover/compiler/compile.ts";
import { weightTensors } from "../prover/compiler/weights.ts";
import { ensureCircuitBuild } from "../prover/compiler/model.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { MODELS_DIR, openModelDir } from "../prover/model-dir.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { quantizeModel, quantizeInput } from "../prover/quantize/index.ts";
import { calculateWitness } from "../prover/witness.ts";
import { circuitInputs, committedWeights } from "../prover/inputs.ts";
import { weightsCommitment } from "../prover/commitment.ts";
import { decodePublicSignals } from "../prover/prove.ts";
import { readR1cs, firstViolated } from "../prover/r1cs.ts";
import { datasetOf, testSamples } from "../models/lib/datasets.ts";

const names = readdirSync(MODELS_DIR).filter((d) => existsSync(path.join(MODELS_DIR, d, "manifest.json")));
const scratch = path.join(REPO_ROOT, "build", "test-circuits", `hashed-weights-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));


describe("hashed weights on every example model", () => {
  it.each(names)("%s compiles with hashed weights, and no pooling kernel is among them", (name) => {
    const graph = readOnnx(readFileSync(openModelDir(name).onnxPath));
    const c = compileToCircom(graph, { templateName: "T", visibility: { weights: "hashed" } });
    expect(c.publicSignals).toContain("weightsCommitment");
    expect(c.weightInputs.length).toBeGreaterThan(0);
    for (const w of c.weightInputs) expect(w.tensor).toMatch(/\.(wq|bq)$/);
    // Every ConvInteger / MatMulInteger weight but a pooling kernel is committed.
    const pools = graph.nodes.filter((n) => n.opType === "ConvInteger" && n.name.endsWith(".sum")).map((n) => n.inputs[1]);
    const linear = graph.nodes.filter((n) => /Integer$/.test(n.opType) && !pools.includes(n.inputs[1])).map((n) => n.inputs[1]);
    expect(c.weightInputs.filter((w) => w.kind === "weight").map((w) => w.tensor).sort()).toEqual(linear.sort());
  });

  it("on a freshly quantized CNN the weights found are exactly the trained tensors, never the pooling kernel", () => {
    const m = openModelDir("fmnist-cnn14");
    const float = readOnnx(readFileSync(path.join(m.dir, m.manifest.files.float)));
    const calib = testSamples(datasetOf(m.manifest), 20).map((s) => s.x);
    const { graph } = quantizeModel(float, calib);
    const found = weightTensors(graph).map((w) => w.tensor);
    expect(found.length).toBe(8);
    expect(found.every((t) => /\.(wq|bq)$/.test(t))).toBe(true);
    expect(found.some((t) => t.endsWith(".ones") || t.endsWith(".half"))).toBe(false);
  });

  it("an all-ones kernel that is not a depthwise window sum is still a weight", () => {
    const graph = readOnnx(readFileSync(openModelDir("fmnist-cnn14").onnxPath));
    const conv = graph.nodes.find((n) => n.opType === "ConvInteger" && !n.name.endsWith(".sum"))!;
    const w = graph.initializers.get(conv.inputs[1])!;
    const ones = new Map(graph.initializers);
    ones.set(conv.inputs[1], { ...w, data: new Int8Array(w.data.length).fill(1) });
    expect(weightTensors({ ...graph, initializers: ones }).map((t) => t.tensor)).toContain(conv.inputs[1]);
  });

  it("mobilenet-digits (depthwise convolutions) with hashed weights: the witness equals onnxruntime and commits to the model's weights", async () => {
    const m = openModelDir("mobilenet-digits");
    const onnx = readFileSync(m.onnxPath);
    const graph = readOnnx(onnx);
    const c = compileToCircom(graph, { templateName: "MobilenetDigitsHashed", visibility: { weights: "hashed" } });
    mkdirSync(scratch, { recursive: true });
    const file = path.join(scratch, "mobilenet-hashed.circom");
    writeFileSync(file, c.source);
    const b = await ensureCircuitBuild(file, path.join(scratch, "mobilenet-hashed"));
    const r1cs = readR1cs(b.r1cs);
    const layout = { visibility: c.visibility, weightInputs: c.weightInputs };
    const expected = await weightsCommitment(committedWeights(layout, graph, 24));
    const dims = m.manifest.input.shape.map((d) => (typeof d === "number" ? d : 1));
    for (const s of testSamples(datasetOf(m.manifest), 3)) {
      const x = quantizeInput(s.x, m.manifest.input.shift);
      const w = await calculateWitness(b.wasm, circuitInputs(layout, x, { graph }));
      const pub = decodePublicSignals(w.slice(1, 1 + c.publicSignals.length).map(String), c.publicSignals);
      expect(pub.weightsCommitment).toBe(expected);
      expect(pub.output.map(Number)).toEqual(await runOnnx(onnx, x, dims));
      expect(firstViolated(r1cs, w)).toBe(-1);
    }
  }, 900_000);
});
