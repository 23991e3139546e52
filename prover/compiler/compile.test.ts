/** The compiler refuses what it cannot prove soundly, naming the node; and sizes bit widths exactly. */
import { describe, expect, it } from "vitest";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { compileToCircom } from "./compile.ts";
import { offsetWidth, requantCost } from "../lowering/requant.ts";

function graph(nodes: Node[], inits: Record<string, Tensor>, outDtype: "int32" | "int8" = "int32"): Graph {
  return {
    name: "t", opset: 17, metadata: {}, nodes, initializers: new Map(Object.entries(inits)),
    inputs: [{ name: "input", dtype: "int8", dims: [1, 4] }],
    outputs: [{ name: "y", dtype: outDtype, dims: [1, 2] }],
  };
}
const w = (vals: number[]): Tensor => ({ dtype: "int8", dims: [4, 2], data: Int8Array.from(vals) });
const i32 = (v: number): Tensor => ({ dtype: "int32", dims: [], data: Int32Array.from([v]) });

describe("compileToCircom", () => {
  it("refuses an unsupported op with the node's name, index, op type and the supported ops", () => {
    const g = graph([
      { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
      { name: "weird", opType: "Softsign", inputs: ["a"], outputs: ["y"], attrs: {} },
    ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]) });
    expect(() => compileToCircom(g, { templateName: "T" })).toThrow(/node weird \(#1, Softsign\): unsupported op; supported: Add, (\w+, )*Cast, Clip, (\w+, )*ConvInteger, (\w+, )*MatMulInteger, (\w+, )*Reshape(, \w+)*$/);
  });

  it("refuses an op of another domain read from ONNX bytes, though its name is one of ours", async () => {
    const { writeOnnx, readOnnx } = await import("../onnx/proto.ts");
    const g = graph([
      { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
      { name: "imposter", opType: "Relu", domain: "com.example", inputs: ["a"], outputs: ["y"], attrs: {} },
    ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]) });
    const read = readOnnx(writeOnnx(g));
    expect(read.nodes[1].domain).toBe("com.example");
    expect(() => compileToCircom(read, { templateName: "T" })).toThrow(/node imposter \(#1, Relu\): op domain "com.example" is not supported/);
  });

  it("with hashed weights, never bakes a weight tensor used as a divisor into the circuit as a constant", () => {
    const g = graph([
      { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
      { name: "r", opType: "Relu", inputs: ["a"], outputs: ["b"], attrs: {} },
      { name: "shift", opType: "Div", inputs: ["b", "k"], outputs: ["y"], attrs: {} },
    ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]), k: i32(4) });
    g.metadata["zkinfer.weights"] = "W,k";
    expect(() => compileToCircom(g, { templateName: "T" })).not.toThrow();
    expect(() => compileToCircom(g, { templateName: "T", visibility: { weights: "hashed" } }))
      .toThrow(/node shift \(#2, Div\): input 1 \(k\) must be a constant/);
  });

  it("refuses a Cast to int8 of a value that may not fit (onnxruntime would wrap)", () => {
    const g = graph([
      { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
      { name: "narrow", opType: "Cast", inputs: ["a"], outputs: ["y"], attrs: { to: 3 } },
    ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]) }, "int8");
    expect(() => compileToCircom(g, { templateName: "T" })).toThrow(/node narrow \(#1, Cast\): input bounds \[-2048, 2032\] do not fit int8/);
  });

  it("refuses a division of a possibly negative value (truncation is floor only for values >= 0)", () => {
    for (const d of [4, 3]) {
      const g = graph([
        { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
        { name: "shift", opType: "Div", inputs: ["a", "d"], outputs: ["y"], attrs: {} },
      ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]), d: i32(d) });
      expect(() => compileToCircom(g, { templateName: "T" })).toThrow(new RegExp(`node shift \\(#1, Div\\): division by ${d} of a value that may be negative \\(bounds \\[-2048, 2032\\]\\)`));
    }
  });

  it("divides by a constant that is not a power of two with one DivConst of exactly the quotient's width", () => {
    const g = graph([
      { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
      { name: "r", opType: "Relu", inputs: ["a"], outputs: ["b"], attrs: {} },
      { name: "third", opType: "Div", inputs: ["b", "d"], outputs: ["y"], attrs: {} },
    ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]), d: i32(3) });
    const out = compileToCircom(g, { templateName: "T" });
    // bounds [0, 2032] and [0, 2540]: quotients up to 677 and 846, 10 bits; remainders 2 bits
    expect(out.source.match(/DivConst\(10, 2, 3\)/g)).toHaveLength(2);
    expect(out.costs.find((c) => c.node === "third")?.constraints).toBe(2 * (10 + 2 * 2));
  });

  it("fuses Relu → Div → Clip → Cast into one decomposition of exactly the needed width", () => {
    const g = graph([
      { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
      { name: "r", opType: "Relu", inputs: ["a"], outputs: ["b"], attrs: {} },
      { name: "d", opType: "Div", inputs: ["b", "k"], outputs: ["c"], attrs: {} },
      { name: "c", opType: "Clip", inputs: ["c", "lo", "hi"], outputs: ["e"], attrs: {} },
      { name: "cast", opType: "Cast", inputs: ["e"], outputs: ["y"], attrs: { to: 3 } },
    ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]), k: i32(4), lo: i32(0), hi: i32(127) }, "int8");
    const out = compileToCircom(g, { templateName: "T" });
    // column 0: weights 1,3,5,7 -> bounds [-2048, 2032] -> B = 11; column 1: 2,4,6,8 -> [-2560, 2540] -> B = 12
    expect(out.source).toContain("ReluRescaleClip(11, 2, 7)");
    expect(out.source).toContain("ReluRescaleClip(12, 2, 7)");
    expect(out.costs.find((c) => c.opType === "zkinfer.Requant")?.constraints).toBe(11 + 5 + 12 + 5);
  });

  it("offsetWidth is the smallest B with -2^B <= min and max < 2^B", () => {
    expect(offsetWidth(-2048n, 2032n, 0)).toBe(11);
    expect(offsetWidth(-2049n, 0n, 0)).toBe(12);
    expect(offsetWidth(0n, 2048n, 0)).toBe(12);
    expect(offsetWidth(-5n, 5n, 6)).toBe(6);
    expect(requantCost(-5n, -1n, { relu: true, shift: 0, lo: null, hi: null })).toBe(0);
  });
});

describe("compileModelFile", () => {
  it("refuses an unsupported op before writing anything", async () => {
    const { mkdtempSync, readdirSync, writeFileSync, rmSync, existsSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { writeOnnx } = await import("../onnx/proto.ts");
    const { compileModelFile } = await import("./model.ts");
    const dir = mkdtempSync(path.join(tmpdir(), "zkinfer-refuse-"));
    try {
      const g = graph([
        { name: "mm", opType: "MatMulInteger", inputs: ["input", "W"], outputs: ["a"], attrs: {} },
        { name: "odd", opType: "Softsign", inputs: ["a"], outputs: ["y"], attrs: {} },
      ], { W: w([1, 2, 3, 4, 5, 6, 7, 8]) });
      writeFileSync(path.join(dir, "model.int8.onnx"), writeOnnx(g));
      const circuitPath = path.join(dir, "never.circom");
      await expect(compileModelFile({ name: "refused", templateName: "Refused", onnxPath: path.join(dir, "model.int8.onnx"), modelDir: dir, circuitPath }))
        .rejects.toThrow(/node odd \(#1, Softsign\): unsupported op; supported: /);
      expect(readdirSync(dir)).toEqual(["model.int8.onnx"]);
      expect(existsSync(circuitPath)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
