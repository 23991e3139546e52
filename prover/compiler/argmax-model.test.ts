/**
 * A model whose output is an ArgMax (a class index, int64) goes through the whole compile path:
 * the differential check (onnxruntime == witness), the soundness probe, and a manifest that
 * says the output is an int64 index.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Graph, Tensor } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { REPO_ROOT } from "../circom.ts";
import { compileModelFile } from "./model.ts";

const root = path.join(REPO_ROOT, "build", "test-circuits", `argmax-model-${process.pid}`);
afterAll(() => rmSync(root, { recursive: true, force: true }));

// Logits of a 6 -> 4 layer whose columns 1 and 3 are equal: ties are common.
const w = [3, -2, 1, -2, 0, 5, -4, 5, -1, 2, 2, 2, 4, 0, -3, 0, -2, 1, 1, 1, 1, -5, 0, -5];
const graph: Graph = {
  name: "classifier", opset: 17, metadata: {},
  inputs: [{ name: "x", dtype: "int8", dims: [1, 6] }],
  outputs: [{ name: "class", dtype: "int64", dims: [1] }],
  initializers: new Map<string, Tensor>([["W", { dtype: "int8", dims: [6, 4], data: Int8Array.from(w) }]]),
  nodes: [
    { name: "logits", opType: "MatMulInteger", inputs: ["x", "W"], outputs: ["l"], attrs: {} },
    { name: "argmax", opType: "ArgMax", inputs: ["l"], outputs: ["class"], attrs: { axis: 1, keepdims: 0 } },
  ],
};

describe("a model with an ArgMax output", () => {
  it("compiles with the differential check and soundness probe passing; the manifest's output is an int64 index", async () => {
    const dir = path.join(root, "classifier");
    mkdirSync(dir, { recursive: true });
    const onnxPath = path.join(dir, "model.int8.onnx");
    writeFileSync(onnxPath, writeOnnx(graph));
    const logs: string[] = [];
    const a = await compileModelFile({ name: "classifier", templateName: "Classifier", onnxPath, modelDir: dir, circuitPath: path.join(root, "circuits", "classifier.circom"), log: (s) => logs.push(s) });
    expect(logs.join("\n")).toMatch(/onnxruntime and the circuit agree on \d+ inputs/);
    expect(logs.join("\n")).toMatch(/soundness probe: none of \d+ output and intermediate wires can change alone/);
    const m = JSON.parse(readFileSync(a.manifestPath, "utf8"));
    expect(m.output).toMatchObject({ name: "class", dtype: "int64", shape: [1], meaning: "index of the maximum (ArgMax)" });
    expect(m.publicSignals).toEqual(["inputCommitment", "out[0]"]);
    expect(m.circuit.perNode.find((n: { opType: string }) => n.opType === "ArgMax").constraints).toBeGreaterThan(0);
  }, 180_000);
});
