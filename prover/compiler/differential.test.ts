/**
 * `compileModelFile` accepts an integer graph only after onnxruntime and the circuit witness
 * agreed on the extreme and seeded random inputs; a refusal names the output, the input and
 * both values, and leaves every file as it was. An under-constrained circuit whose honest
 * witness is right is refused by the soundness probe run at one witness.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { REPO_ROOT } from "../circom.ts";
import { compileModelFile } from "./model.ts";
import { compileToCircom } from "./compile.ts";
import { calculateWitness } from "../witness.ts";
import { circuitInputs } from "../inputs.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { fromField } from "../field.ts";
import { readR1cs } from "../r1cs.ts";
import { readSym } from "../sym.ts";
import { defaultRandomInputs, differentialCheck, DEFAULT_RANDOM_INPUTS, randomInputs } from "./differential.ts";

const root = path.join(REPO_ROOT, "build", "test-circuits", `differential-${process.pid}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const W = (v: number[]): Tensor => ({ dtype: "int8", dims: [4, 2], data: Int8Array.from(v) });
const i32 = (v: number): Tensor => ({ dtype: "int32", dims: [], data: Int32Array.from([v]) });
const node = (name: string, opType: string, inputs: string[], outputs: string[]): Node => ({ name, opType, inputs, outputs, attrs: {} });

/** The quantizer's layer shape: MatMulInteger → bias → Relu → Div(2^k) → Clip, then a second dense layer. */
function mlp(w1: number[]): Graph {
  return {
    name: "mlp", opset: 17, metadata: {},
    inputs: [{ name: "x", dtype: "int8", dims: [1, 4] }], outputs: [{ name: "y", dtype: "int32", dims: [1, 2] }],
    initializers: new Map<string, Tensor>([
      ["W1", W(w1)], ["b1", { dtype: "int32", dims: [2], data: Int32Array.from([100, -50]) }], ["k", i32(8)], ["lo", i32(0)], ["hi", i32(127)],
      ["W2", { dtype: "int8", dims: [2, 2], data: Int8Array.from([3, -5, 7, 2]) }],
    ]),
    nodes: [
      node("mm", "MatMulInteger", ["x", "W1"], ["a"]), node("bias", "Add", ["a", "b1"], ["z"]), node("relu", "Relu", ["z"], ["r"]),
      node("div", "Div", ["r", "k"], ["q"]), node("clip", "Clip", ["q", "lo", "hi"], ["c"]),
      { name: "cast", opType: "Cast", inputs: ["c"], outputs: ["h"], attrs: { to: 3 } }, node("mm2", "MatMulInteger", ["h", "W2"], ["y"]),
    ],
  };
}
const good = mlp([30, -20, 25, 40, -35, 10, 50, 60]);

/** A model folder inside the project (circom2 only sees files below it) holding the graph. */
function modelDir(name: string, g: Graph): { dir: string; onnxPath: string; circuitPath: string } {
  const dir = path.join(root, name);
  mkdirSync(dir, { recursive: true });
  const onnxPath = path.join(dir, "model.int8.onnx");
  writeFileSync(onnxPath, writeOnnx(g));
  return { dir, onnxPath, circuitPath: path.join(dir, "circuit", `${name}.circom`) };
}

/** Every file below dir with its bytes, to show a refusal changed nothing. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(path.relative(dir, p), readFileSync(p).toString("base64"));
    }
  };
  walk(dir);
  return out;
}

describe("the differential check at compile", () => {
  it("accepts a graph on which onnxruntime and the witness agree, after the extremes and 256 random inputs", async () => {
    const m = modelDir("agree", good);
    const logs: string[] = [];
    await compileModelFile({ name: "agree", templateName: "Agree", onnxPath: m.onnxPath, modelDir: m.dir, circuitPath: m.circuitPath, log: (s) => logs.push(s) });
    expect(logs.join("\n")).toMatch(new RegExp(`onnxruntime and the circuit agree on ${5 + DEFAULT_RANDOM_INPUTS} inputs \\(seed \\d+, [\\d.]+ ms per input\\)`));
    expect(logs.join("\n")).toMatch(/soundness probe: none of \d+ output and intermediate wires can change alone/);
    expect(existsSync(path.join(m.dir, "manifest.json"))).toBe(true);
    expect(readdirSync(path.dirname(m.circuitPath))).toEqual(["agree.circom"]); // no staging left behind
    expect(readdirSync(path.join(m.dir, "build"))).toEqual(["circuit"]);
  }, 120_000);

  it("refuses, naming the output, the input and both values, when the circuit computes another function", async () => {
    // The circuit of one graph checked against onnxruntime running a graph with one other weight:
    // the extremes saturate the clip, so a random input (named by seed and index) finds it.
    const m = modelDir("differ", good);
    const compiled = compileToCircom(good, { templateName: "Differ", visibility: { input: "public" } });
    const { stageCircuit } = await import("./build.ts");
    const staged = await stageCircuit(compiled.source, m.circuitPath, path.join(m.dir, "build", "circuit"));
    const other = writeOnnx(mlp([30, -20, 25, 40, -35, 10, 50, 61]));
    try {
      await expect(differentialCheck({ onnx: other, graph: good, compiled, wasm: staged.build.wasm }, 7))
        .rejects.toThrow("differential check: output 0 differs on input random #21 (seed 7): onnxruntime 507, circuit 486; the circuit does not compute what onnxruntime computes, so the graph is refused");
      const wider = mlp([30, -20, 25, 40, -35, 10, 50, 60]);
      wider.initializers.set("W2", { dtype: "int8", dims: [2, 3], data: Int8Array.from([3, -5, 7, 2, 1, 1]) });
      await expect(differentialCheck({ onnx: writeOnnx(wider), graph: good, compiled, wasm: staged.build.wasm }, 7))
        .rejects.toThrow(/differential check: onnxruntime gives 3 outputs on input all -128, the circuit 2/);
      // Control: against its own graph the same circuit passes.
      await expect(differentialCheck({ onnx: writeOnnx(good), graph: good, compiled, wasm: staged.build.wasm }, 7)).resolves.toMatchObject({ inputs: 5 + DEFAULT_RANDOM_INPUTS, seed: 7 });
    } finally {
      staged.discard();
    }
  }, 120_000);

  it("refuses an under-constrained circuit whose honest witness is right: an output only assigned (<--), not constrained", async () => {
    // Completeness alone passes it: the witness computes out[0] correctly and satisfies every
    // constraint left; a prover could put any other value there. The soundness probe finds it.
    const m = modelDir("hint", good);
    const compiled = compileToCircom(good, { templateName: "Hint", visibility: { input: "public" } });
    const source = compiled.source.replace(/\bout\[0\] <== /, "out[0] <-- ");
    expect(source).not.toBe(compiled.source);
    const { stageCircuit } = await import("./build.ts");
    const staged = await stageCircuit(source, m.circuitPath, path.join(m.dir, "build", "circuit"));
    const subject = { onnx: writeOnnx(good), graph: good, compiled, wasm: staged.build.wasm, r1cs: readR1cs(staged.build.r1cs) };
    try {
      // Without the probe (no sym) the check accepts it: outputs equal, constraints satisfied.
      await expect(differentialCheck(subject, 7, { randomInputs: 4 })).resolves.toMatchObject({ inputs: 9 });
      await expect(differentialCheck({ ...subject, sym: readSym(staged.build.sym) }, 7, { randomInputs: 4 }))
        .rejects.toThrow(/^differential check: 1 wire\(s\) can change alone at the witness of input random #0 \(seed 7\) while every constraint holds: wire 1 \(main\.out\[0\], output\): \d+ → \d+ \(or any value\) keeps every constraint satisfied; the circuit does not pin what it proves, so the graph is refused$/);
    } finally {
      staged.discard();
    }
  }, 120_000);

  it("refuses a graph onnxruntime cannot run, and leaves an existing model exactly as it was", async () => {
    const m = modelDir("kept", good);
    await compileModelFile({ name: "kept", templateName: "Kept", onnxPath: m.onnxPath, modelDir: m.dir, circuitPath: m.circuitPath, check: { randomInputs: 4 } });
    const before = snapshot(m.dir);
    // onnxruntime's Relu+Clip fusion rejects an int32 Clip min right after a Relu: nothing to serve.
    const bad = mlp([30, -20, 25, 40, -35, 10, 50, 60]);
    bad.nodes = bad.nodes.filter((n) => n.name !== "div");
    bad.nodes.find((n) => n.name === "clip")!.inputs[0] = "r";
    writeFileSync(m.onnxPath, writeOnnx(bad));
    before.set("model.int8.onnx", readFileSync(m.onnxPath).toString("base64"));
    await expect(compileModelFile({ name: "kept", templateName: "Kept", onnxPath: m.onnxPath, modelDir: m.dir, circuitPath: m.circuitPath, check: { randomInputs: 4 } }))
      .rejects.toThrow(/differential check: onnxruntime cannot run the model \(input all -128\)/);
    expect(snapshot(m.dir)).toEqual(before);
  }, 120_000);

  it("a model recompiled in the same process is checked, and then computed, with its new circuit", async () => {
    const m = modelDir("recompiled", good);
    const first = await compileModelFile({ name: "recompiled", templateName: "Recompiled", onnxPath: m.onnxPath, modelDir: m.dir, circuitPath: m.circuitPath, check: { randomInputs: 4 } });
    const x = [100, -50, 77, 3];
    const before = await calculateWitness(first.wasm, circuitInputs({ visibility: { weights: "fixed", input: "hashed", output: "public" } }, x));
    const changed = mlp([-30, 20, 25, 40, -35, 10, 50, 60]);
    writeFileSync(m.onnxPath, writeOnnx(changed));
    const second = await compileModelFile({ name: "recompiled", templateName: "Recompiled", onnxPath: m.onnxPath, modelDir: m.dir, circuitPath: m.circuitPath, check: { randomInputs: 4 } });
    expect(second.wasm).toBe(first.wasm);
    const after = await calculateWitness(second.wasm, circuitInputs({ visibility: { weights: "fixed", input: "hashed", output: "public" } }, x));
    const ort = await runOnnx(writeOnnx(changed), Int8Array.from(x), [1, 4]);
    expect(after.slice(2, 4).map((v) => Number(fromField(v)))).toEqual(ort);
    expect(after.slice(2, 4)).not.toEqual(before.slice(2, 4));
  }, 120_000);

  it("a refused new model leaves its folder as it found it (no manifest, circuit or build)", async () => {
    const bad = mlp([30, -20, 25, 40, -35, 10, 50, 60]);
    bad.nodes = bad.nodes.filter((n) => n.name !== "div");
    bad.nodes.find((n) => n.name === "clip")!.inputs[0] = "r";
    const m = modelDir("fresh", bad);
    await expect(compileModelFile({ name: "fresh", templateName: "Fresh", onnxPath: m.onnxPath, modelDir: m.dir, circuitPath: m.circuitPath, check: { randomInputs: 0 } }))
      .rejects.toThrow(/onnxruntime cannot run the model/);
    expect(readdirSync(m.dir)).toEqual(["model.int8.onnx"]);
  }, 120_000);

  it("checks hashed outputs and hashed weights through the output commitment", async () => {
    const m = modelDir("hashed", good);
    const logs: string[] = [];
    await compileModelFile({
      name: "hashed", templateName: "Hashed", onnxPath: m.onnxPath, modelDir: m.dir, circuitPath: m.circuitPath,
      visibility: { weights: "hashed", output: "hashed" }, check: { randomInputs: 16, seed: 3 }, log: (s) => logs.push(s),
    });
    expect(logs.join("\n")).toMatch(/agree on 21 inputs \(seed 3,/);
    // Private weights and salt stay wires under --O2 here, so the probe runs (it refuses otherwise).
    expect(logs.join("\n")).toMatch(/soundness probe: none of \d+ output and intermediate wires can change alone/);
  }, 120_000);

  it("the default number of random inputs shrinks for large circuits, never below 64", () => {
    expect(defaultRandomInputs(25_000)).toBe(256);
    expect(defaultRandomInputs(111_414)).toBe(69);
    expect(defaultRandomInputs(2_000_000)).toBe(64);
  });

  it("random inputs are reproducible from their seed and reach values inside the clip ranges", () => {
    const a = randomInputs(50, 20, 11), b = randomInputs(50, 20, 11);
    expect(a).toEqual(b);
    expect(a[3].name).toBe("random #3 (seed 11)");
    expect(a.every((i) => i.x.every((v) => Number.isInteger(v) && v >= -128 && v <= 127))).toBe(true);
    expect(a.filter((i) => Math.max(...i.x.map(Math.abs)) <= 32).length).toBeGreaterThan(2);
  });
});
