/**
 * digits-mlp across packages: onnxruntime, the TypeScript evaluator and the circuit agree bit
 * for bit on every test digit, the circuit rejects wrong witnesses, and the committed
 * artifacts are what the compiler makes.
 */
import { readFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { openModelDir, buildModelCircuit, type ModelDir } from "../prover/model-dir.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { evaluateOutput } from "../prover/evaluate-integer.ts";
import { calculateWitness } from "../prover/witness.ts";
import { inputCommitment } from "../prover/commitment.ts";
import { fromField, toField } from "../prover/field.ts";
import { readR1cs, firstViolated, type R1cs } from "../prover/r1cs.ts";
import { readSym } from "../prover/sym.ts";
import { quantizeInput } from "../prover/quantize/index.ts";
import type { Graph } from "../prover/onnx/graph.ts";
import { loadDigits, splitDigits, digitsFloatInput } from "../models/lib/digits.ts";
import { argmax } from "../models/lib/mlp.ts";

const { test: testSet } = splitDigits(loadDigits());
let model: ModelDir, graph: Graph, onnxBytes: Uint8Array, wasm: string, r1cs: R1cs, sym: Map<string, number>;

beforeAll(async () => {
  model = openModelDir("digits-mlp");
  onnxBytes = readFileSync(model.onnxPath);
  graph = readOnnx(onnxBytes);
  const build = await buildModelCircuit(model);
  wasm = build.wasm;
  r1cs = readR1cs(build.r1cs);
  sym = readSym(build.sym);
});

const evalInt = (x: ArrayLike<number>) =>
  evaluateOutput(graph, { input: { dtype: "int8", dims: [1, 64], data: Array.from(x) } }).data;

describe("digits-mlp", () => {
  it("the int8 input of a digit is its raw pixels (input scale 2^4)", () => {
    expect(model.manifest.input.shift).toBe(4);
    for (const s of testSet.slice(0, 20)) expect(Array.from(quantizeInput(digitsFloatInput(s), 4))).toEqual(s.pixels);
  });

  it("onnxruntime, the evaluator and the circuit witness agree on every test digit", async () => {
    expect(testSet.length).toBe(359);
    for (const s of testSet) {
      const x = Int8Array.from(s.pixels);
      const ort = await runOnnx(onnxBytes, x);
      const ev = evalInt(x);
      const w = await calculateWitness(wasm, x);
      const circuitOut = w.slice(2, 12).map((v) => Number(fromField(v)));
      expect(ev).toEqual(ort);
      expect(circuitOut).toEqual(ort);
    }
  });

  it("the integer model is within 1 percentage point of the float model on the test split", async () => {
    const float = readFileSync(`${model.dir}/${model.manifest.files.float}`);
    const ort = await import("onnxruntime-node");
    const session = await ort.default.InferenceSession.create(float);
    let floatOk = 0, intOk = 0;
    for (const s of testSet) {
      const r = await session.run({ input: new ort.default.Tensor("float32", digitsFloatInput(s), [1, 64]) });
      if (argmax(r.logits.data as Float32Array) === s.label) floatOk++;
      if (argmax(await runOnnx(onnxBytes, Int8Array.from(s.pixels))) === s.label) intOk++;
    }
    expect(floatOk / testSet.length).toBeGreaterThan(0.95);
    expect(Math.abs(floatOk - intOk) / testSet.length).toBeLessThanOrEqual(0.01);
    expect((model.manifest.accuracy as { integer: number }).integer).toBeCloseTo(intOk / testSet.length, 10);
  });

  it("the input commitment computed in TypeScript equals the circuit's", async () => {
    for (const s of testSet.slice(0, 10)) {
      const w = await calculateWitness(wasm, s.pixels);
      expect(w[1]).toBe(await inputCommitment(s.pixels));
    }
    const a = await inputCommitment(testSet[0].pixels);
    const changed = [...testSet[0].pixels];
    changed[63] += 1;
    expect(await inputCommitment(changed)).not.toBe(a);
  });

  it("the honest witness satisfies every constraint", async () => {
    const w = await calculateWitness(wasm, testSet[0].pixels);
    expect(firstViolated(r1cs, w)).toBe(-1);
  });

  it("a witness with a changed output fails the constraints", async () => {
    const w = await calculateWitness(wasm, testSet[1].pixels);
    w[2 + 3] = toField(fromField(w[2 + 3]) + 1n);
    expect(firstViolated(r1cs, w)).toBeGreaterThanOrEqual(0);
  });

  it("a witness with a changed input commitment fails the constraints", async () => {
    const w = await calculateWitness(wasm, testSet[1].pixels);
    w[1] = toField(w[1] + 1n);
    expect(firstViolated(r1cs, w)).toBeGreaterThanOrEqual(0);
  });

  it("a witness with a flipped rescale bit fails the constraints", async () => {
    const w = await calculateWitness(wasm, testSet[2].pixels);
    // bits at and above the shift are the rescaled quotient; below it the dropped remainder
    let tried = 0;
    for (const bit of [0, 3, 6, 8, 12]) {
      const idx = sym.get(`main.r0.d.bits[${bit}]`);
      if (idx === undefined || idx < 0) continue;
      const bad = [...w];
      bad[idx] = 1n - bad[idx];
      expect(firstViolated(r1cs, bad), `bit ${bit}`).toBeGreaterThanOrEqual(0);
      tried++;
    }
    expect(tried).toBeGreaterThanOrEqual(3);
  });

  it("a changed ReLU output fails even when every output is recomputed to match it", async () => {
    const s = testSet[3];
    const w = await calculateWitness(wasm, s.pixels);
    const out0 = sym.get("main.r0.out");
    expect(out0).toBeGreaterThan(0);
    const w2 = graph.initializers.get("fc1.wq")!;
    const bad = [...w];
    bad[out0!] = toField(fromField(bad[out0!]) + 1n);
    // out[j] = sum_i W2[i][j] * h[i] + b[j]: shift every output by W2[0][j] so the output layer is consistent
    for (let j = 0; j < 10; j++) bad[2 + j] = toField(fromField(bad[2 + j]) + BigInt(Number(w2.data[j])));
    const v = firstViolated(r1cs, bad);
    expect(v).toBeGreaterThanOrEqual(0);
    // and the lie is caught by a constraint on the ReLU output itself (out <== sign * clipped)
    const [A, B, C] = r1cs.constraints[v];
    expect(A.has(out0!) || B.has(out0!) || C.has(out0!)).toBe(true);
  });
});
