/**
 * The visibility modes on digits-mlp's integer graph: hashed weights, public input, hashed
 * output. For each, the circuit's public signals are what TypeScript computes (commitments,
 * outputs equal to onnxruntime's), and a witness that lies about a private value fails.
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

const model = openModelDir("digits-mlp");
const onnx = readFileSync(model.onnxPath);
const graph = readOnnx(onnx);
const digits = splitDigits(loadDigits()).test.slice(0, 4);
const scratch = path.join(REPO_ROOT, "build", "test-circuits", `visibility-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function build(vis: Partial<Visibility>, tag: string) {
  const compiled = compileToCircom(graph, { templateName: "DigitsMlp", visibility: vis });
  mkdirSync(scratch, { recursive: true });
  const file = path.join(scratch, `${tag}.circom`);
  writeFileSync(file, compiled.source);
  const b = await ensureCircuitBuild(file, path.join(scratch, tag));
  const layout = { visibility: compiled.visibility, weightInputs: compiled.weightInputs };
  const calculate = (x: number[]) => calculateWitness(b.wasm, circuitInputs(layout, x, { graph }));
  return { compiled, layout, wasm: b.wasm, calculate, r1cs: readR1cs(b.r1cs), sym: readSym(b.sym) };
}

describe("visibility modes", () => {
  it("hashed weights: the public weights commitment is the model's, outputs equal onnxruntime's", async () => {
    const c = await build({ weights: "hashed" }, "weights-hashed");
    expect(c.compiled.publicSignals.slice(0, 2)).toEqual(["inputCommitment", "weightsCommitment"]);
    expect(c.compiled.weightInputs.map((w) => w.tensor)).toEqual(["fc0.wq", "fc1.wq", "fc0.bq", "fc1.bq"]);
    const expected = await weightsCommitment(committedWeights(c.layout, graph, 24));
    for (const d of digits) {
      const w = await c.calculate(d.pixels);
      const pub = decodePublicSignals(w.slice(1, 1 + c.compiled.publicSignals.length).map(String), c.compiled.publicSignals);
      expect(pub.weightsCommitment).toBe(expected);
      expect(pub.inputCommitment).toBe(await inputCommitment(d.pixels));
      expect(pub.output.map(Number)).toEqual(await runOnnx(onnx, Int8Array.from(d.pixels)));
      expect(firstViolated(c.r1cs, w)).toBe(-1);
    }
  });

  it("hashed weights: other weights give another commitment, and a lie about one weight fails", async () => {
    const c = await build({ weights: "hashed" }, "weights-hashed");
    const input = circuitInputs(c.layout, digits[0].pixels, { graph }) as Record<string, bigint[]>;
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
