/**
 * The compiled circuit of a small convolutional graph (ConvInteger, fused requant, MaxPool,
 * average-pool sum + rounded division, Flatten, MatMulInteger) computes exactly what the
 * integer evaluator computes, and rejects wrong witness values of each nonlinear step.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph, Tensor } from "../onnx/graph.ts";
import { compileToCircom } from "./compile.ts";
import { ensureCircuitBuild } from "./model.ts";
import { REPO_ROOT } from "../circom.ts";
import { evaluateGraph } from "../evaluate-integer.ts";
import { calculateWitness } from "../witness.ts";
import { readR1cs, firstViolated, type R1cs } from "../r1cs.ts";
import { readSym } from "../sym.ts";
import { fromField, toField } from "../field.ts";
import { Rng } from "../../models/lib/rng.ts";

const rng = new Rng(5);
const i8 = (dims: number[]): Tensor => ({ dtype: "int8", dims, data: Int8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.floor(rng.next() * 61) - 30) });
const i32 = (dims: number[], v: number[]): Tensor => ({ dtype: "int32", dims, data: Int32Array.from(v) });

const graph: Graph = {
  name: "convnet", opset: 17, metadata: {},
  inputs: [{ name: "input", dtype: "int8", dims: [1, 1, 6, 6] }],
  outputs: [{ name: "y", dtype: "int32", dims: [1, 3] }],
  initializers: new Map<string, Tensor>([
    ["w1", i8([2, 1, 3, 3])], ["b1", i32([1, 2, 1, 1], [40, -30])],
    ["k", i32([], [16])], ["lo", i32([], [0])], ["hi", i32([], [127])],
    ["ones", { dtype: "int8", dims: [2, 1, 2, 2], data: new Int8Array(8).fill(1) }], ["half", i32([], [2])], ["four", i32([], [4])],
    ["w2", i8([2, 3])], ["b2", i32([3], [5, 0, -5])],
  ]),
  nodes: [
    { name: "conv", opType: "ConvInteger", inputs: ["input", "w1"], outputs: ["c"], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1] } },
    { name: "bias", opType: "Add", inputs: ["c", "b1"], outputs: ["z"], attrs: {} },
    { name: "relu", opType: "Relu", inputs: ["z"], outputs: ["r"], attrs: {} },
    { name: "div", opType: "Div", inputs: ["r", "k"], outputs: ["q"], attrs: {} },
    { name: "clip", opType: "Clip", inputs: ["q", "lo", "hi"], outputs: ["cl"], attrs: {} },
    { name: "cast", opType: "Cast", inputs: ["cl"], outputs: ["a"], attrs: { to: 3 } },
    { name: "maxpool", opType: "MaxPool", inputs: ["a"], outputs: ["mp"], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
    { name: "avgsum", opType: "ConvInteger", inputs: ["mp", "ones"], outputs: ["s"], attrs: { group: 2, kernel_shape: [2, 2], strides: [1, 1] } },
    { name: "round", opType: "Add", inputs: ["s", "half"], outputs: ["sr"], attrs: {} },
    { name: "mean", opType: "Div", inputs: ["sr", "four"], outputs: ["m"], attrs: {} },
    { name: "cast2", opType: "Cast", inputs: ["m"], outputs: ["p"], attrs: { to: 3 } },
    { name: "flat", opType: "Flatten", inputs: ["p"], outputs: ["f"], attrs: { axis: 1 } },
    { name: "fc", opType: "MatMulInteger", inputs: ["f", "w2x"], outputs: ["o"], attrs: {} },
    { name: "fcb", opType: "Add", inputs: ["o", "b2"], outputs: ["y"], attrs: {} },
  ],
};

let wasm: string, r1cs: R1cs, sym: Map<string, number>;
const dir = path.join(REPO_ROOT, "build", "test-circuits", `convnet-${process.pid}`);
afterAll(() => { if (!process.env.KEEP_TEST_TMP) rmSync(dir, { recursive: true, force: true }); });
beforeAll(async () => {
  // mp is [1,2,3,3]; the 2x2 window sum with stride 1 gives [1,2,2,2] -> 8 features
  graph.initializers.set("w2x", i8([8, 3]));
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "convnet.circom");
  writeFileSync(file, compileToCircom(graph, { templateName: "ConvNet" }).source);
  const b = await ensureCircuitBuild(file, path.join(dir, "out"));
  wasm = b.wasm;
  r1cs = readR1cs(b.r1cs);
  sym = readSym(b.sym);
});

const evalOut = (x: number[]) => evaluateGraph(graph, { input: { dtype: "int8", dims: [1, 1, 6, 6], data: x } }).get("y")!.data;

describe("circuit of a small conv net", () => {
  it("equals the integer evaluator on random inputs", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 36, maxLength: 36 }), async (x) => {
        const w = await calculateWitness(wasm, x);
        expect(w.slice(2, 5).map((v) => Number(fromField(v)))).toEqual(evalOut(x));
        expect(firstViolated(r1cs, w)).toBe(-1);
      }),
      { numRuns: 40 },
    );
  });

  it("rejects a wrong max-pool choice, a wrong max and a wrong rounded mean", async () => {
    const x = Array.from({ length: 36 }, (_, i) => ((i * 53) % 200) - 100);
    const w = await calculateWitness(wasm, x);
    const maxes = [...sym.keys()].filter((k) => /^main\.m\d+\.out$/.test(k) && sym.get(k)! >= 0);
    const signs = [...sym.keys()].filter((k) => /^main\.m\d+\.d\.bits\[\d+\]$/.test(k) && sym.get(k)! >= 0);
    const means = [...sym.keys()].filter((k) => /^main\.r\d+\.out$/.test(k) && sym.get(k)! >= 0);
    expect(maxes.length).toBeGreaterThan(0);
    expect(signs.length).toBeGreaterThan(0);
    expect(means.length).toBeGreaterThan(0); // --O2 substitutes most requant outputs away; their constraints stay
    for (const k of [...maxes, ...means]) {
      const bad = [...w];
      bad[sym.get(k)!] = toField(fromField(bad[sym.get(k)!]) + 1n);
      expect(firstViolated(r1cs, bad), k).toBeGreaterThanOrEqual(0);
    }
    for (const k of signs) {
      const bad = [...w];
      bad[sym.get(k)!] = 1n - bad[sym.get(k)!];
      expect(firstViolated(r1cs, bad), k).toBeGreaterThanOrEqual(0);
    }
  });

  it("split into sub-templates, it has the same constraints and outputs", async () => {
    const split = compileToCircom(graph, { templateName: "ConvNetSplit", blockLines: 20 });
    expect(split.source).toContain("template ConvNetSplitBlock1()");
    const file = path.join(dir, "convnet-split.circom");
    writeFileSync(file, split.source);
    const b = await ensureCircuitBuild(file, path.join(dir, "out-split"));
    expect(readR1cs(b.r1cs).nConstraints).toBe(r1cs.nConstraints);
    const splitR1cs = readR1cs(b.r1cs);
    for (let k = 0; k < 10; k++) {
      const x = Array.from({ length: 36 }, (_, i) => ((i * 31 + k * 17) % 256) - 128);
      const w = await calculateWitness(b.wasm, x);
      expect(w.slice(2, 5).map((v) => Number(fromField(v)))).toEqual(evalOut(x));
      expect(firstViolated(splitR1cs, w)).toBe(-1);
    }
  });
});
