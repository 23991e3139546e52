/**
 * The visibility modes: hashed weights (on the breast-cancer risk model's integer graph: 641
 * weights, an 8k-constraint circuit where digits-mlp's 2,410 weights cost 27k), public input and
 * hashed output (on digits-mlp's). For each, the circuit's public signals are what TypeScript
 * computes (commitments, outputs equal to onnxruntime's), and a witness that lies about a private
 * value fails.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileToCircom, type Visibility } from "../prover/compiler/compile.ts";
import { ensureCircuitBuild } from "../prover/compiler/model.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { calculateWitness } from "../prover/witness.ts";
import { circuitInputs, committedWeights } from "../prover/inputs.ts";
import { inputCommitment, outputCommitment, weightsCommitment } from "../prover/commitment.ts";
import { decodePublicSignals } from "../prover/prove.ts";
import { readR1cs, firstViolated } from "../prover/r1cs.ts";
import { readSym } from "../prover/sym.ts";
import { fromField, toField } from "../prover/field.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { datasetOf, testSamples } from "../models/lib/datasets.ts";
import { quantizeInput } from "../prover/quantize/index.ts";
import type { Graph } from "../prover/onnx/graph.ts";

const model = openModelDir("digits-mlp");
const onnx = readFileSync(model.onnxPath);
const graph = readOnnx(onnx);
const digits = splitDigits(loadDigits()).test.slice(0, 4);
const tabular = openModelDir("tabular-breast-cancer");
const tabularOnnx = readFileSync(tabular.onnxPath);
const tabularGraph = readOnnx(tabularOnnx);
const patients = testSamples(datasetOf(tabular.manifest), 4).map((s) => Array.from(quantizeInput(s.x, tabular.manifest.input.shift)));
const scratch = path.join(REPO_ROOT, "build", "test-circuits", `visibility-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function build(vis: Partial<Visibility>, tag: string, g: Graph = graph, templateName = "DigitsMlp") {
  const compiled = compileToCircom(g, { templateName, visibility: vis });
  mkdirSync(scratch, { recursive: true });
  const file = path.join(scratch, `${tag}.circom`);
  writeFileSync(file, compiled.source);
  const b = await ensureCircuitBuild(file, path.join(scratch, tag));
  const layout = { visibility: compiled.visibility, weightInputs: compiled.weightInputs };
  const calculate = (x: number[]) => calculateWitness(b.wasm, circuitInputs(layout, x, { graph: g }));
  return { compiled, layout, wasm: b.wasm, calculate, r1cs: readR1cs(b.r1cs), sym: readSym(b.sym) };
}

/** The risk model with hashed weights (built once: the second call finds the build). */
const hashedWeights = () => build({ weights: "hashed" }, "weights-hashed", tabularGraph, "TabularWeightsHashed");

describe("visibility modes", () => {
  it("hashed weights: the public weights commitment is the model's, outputs equal onnxruntime's", async () => {
    const c = await hashedWeights();
    expect(c.compiled.publicSignals.slice(0, 2)).toEqual(["inputCommitment", "weightsCommitment"]);
    expect(c.compiled.weightInputs.map((w) => w.tensor)).toEqual(["/net/net.1/Gemm.wq", "/net/net.3/Gemm.wq", "/net/net.5/Gemm.wq", "/net/net.1/Gemm.bq", "/net/net.3/Gemm.bq", "/net/net.5/Gemm.bq"]);
    const expected = await weightsCommitment(committedWeights(c.layout, tabularGraph, 24));
    for (const x of patients) {
      const w = await c.calculate(x);
      const pub = decodePublicSignals(w.slice(1, 1 + c.compiled.publicSignals.length).map(String), c.compiled.publicSignals);
      expect(pub.weightsCommitment).toBe(expected);
      expect(pub.inputCommitment).toBe(await inputCommitment(x));
      expect(pub.output.map(Number)).toEqual(await runOnnx(tabularOnnx, Int8Array.from(x), [1, x.length]));
      expect(firstViolated(c.r1cs, w)).toBe(-1);
    }
  });

  it("hashed weights: other weights give another commitment, and a lie about one weight fails", async () => {
    const c = await hashedWeights();
    const input = circuitInputs(c.layout, patients[0], { graph: tabularGraph }) as Record<string, bigint[]>;
    const honest = await calculateWitness(c.wasm, input);
    const changed = { ...input, w0: [...input.w0] };
    changed.w0[5] = changed.w0[5] === 127n ? 126n : changed.w0[5] + 1n;
    const other = await calculateWitness(c.wasm, changed);
    const idx = c.compiled.publicSignals.indexOf("weightsCommitment") + 1;
    expect(other[idx]).not.toBe(honest[idx]);
    // Same public commitment, but the private weight changed: the constraints catch it.
    const lie = [...honest];
    const wire = c.sym.get("main.w0[5]")!;
    lie[wire] = toField(fromField(lie[wire]) + 1n);
    expect(firstViolated(c.r1cs, lie)).toBeGreaterThanOrEqual(0);
    // A weight outside int8 has no witness at all.
    changed.w0[5] = 200n;
    await expect(calculateWitness(c.wasm, changed)).rejects.toThrow();
  });

  it("public input: the input is public, range-checked, and equal to what was sent", async () => {
    const c = await build({ input: "public" }, "input-public");
    expect(c.compiled.publicSignals[0]).toBe("out[0]");
    expect(c.compiled.publicSignals.at(-1)).toBe("x[63]");
    expect(c.compiled.source).toContain("component main {public [x]}");
    const w = await calculateWitness(c.wasm, digits[1].pixels);
    const pub = decodePublicSignals(w.slice(1, 1 + c.compiled.publicSignals.length).map(String), c.compiled.publicSignals);
    expect(pub.input.map(Number)).toEqual(digits[1].pixels);
    expect(pub.output.map(Number)).toEqual(await runOnnx(onnx, Int8Array.from(digits[1].pixels)));
    expect(pub.inputCommitment).toBeUndefined();
    const lie = [...w];
    const xi = c.sym.get("main.x[10]")!;
    lie[xi] = toField(fromField(lie[xi]) + 1n);
    expect(firstViolated(c.r1cs, lie)).toBeGreaterThanOrEqual(0);
  });

  it("hashed output: the public output commitment hides the outputs behind the salt", async () => {
    const c = await build({ output: "hashed" }, "output-hashed");
    expect(c.compiled.publicSignals).toEqual(["inputCommitment", "outputCommitment"]);
    const served = await runOnnx(onnx, Int8Array.from(digits[2].pixels));
    const salt = 123456789012345678901234567890n;
    const w = await calculateWitness(c.wasm, circuitInputs(c.layout, digits[2].pixels, { salt }));
    expect(w[2]).toBe(await outputCommitment(served, salt));
    const w2 = await calculateWitness(c.wasm, circuitInputs(c.layout, digits[2].pixels, { salt: salt + 1n }));
    expect(w2[2]).not.toBe(w[2]);
    const lie = [...w];
    const oi = c.sym.get("main.out[0]")!;
    expect(oi).toBeGreaterThan(0);
    lie[oi] = toField(fromField(lie[oi]) + 1n);
    expect(firstViolated(c.r1cs, lie)).toBeGreaterThanOrEqual(0);
  });
});
