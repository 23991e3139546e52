/**
 * Where branches meet and values are scaled (merge.ts), on small float graphs quantized end to
 * end: residual Adds of every kind (int32 + int8, int8 + int8 at different scales, int32 +
 * int32), Sub, arithmetic with scalar and per-channel constants (either operand), run-time Mul,
 * Neg, Max/Min and Concat on their int8 and int32 routes. Each: onnxruntime == evaluator bit for
 * bit on random and extreme int8 inputs, close to the float model, and the circuit's witness ==
 * onnxruntime (one circom run for the whole file).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../circom.ts";
import type { Graph } from "../onnx/graph.ts";
import { evaluateGraph } from "../evaluate-integer.ts";
import { conv, expectAccurate, expectCircuitsAgree, expectOrtEqualsEvaluator, f32, floatGraph, quantizeCase, type Quantized } from "./testing.ts";

// 3x3 images keep the circuit small (one circom run for the file); a mean's window needs a power-of-two count: 2x2.
const IN = [1, 2, 3, 3];
const IN4 = [1, 2, 2, 2];
const relu = (b: Parameters<Parameters<typeof floatGraph>[1]>[0], name: string, x: string) => b.node("Relu", name, [x]);

/**
 * c = Conv(x) read by a Relu, a Sigmoid table and a residual Add (readers = 1: by the Relu only).
 * Both the Relu and the table add a rounding constant (the table also its offset 128·2^k) to c
 * before their rescale; folded into c's bias, the Add would read c shifted by it.
 */
function threeReaders(more: number): Graph {
  return floatGraph(IN, (b, x) => {
    const c = conv(b, "c", x, 2, 3);
    const r = relu(b, "r", c);
    if (!more) return r;
    const s = b.node("Sigmoid", "s", [c]);
    return b.node("Add", "sum", [b.node("Add", "rs", [r, s]), c]);
  }, { seed: 13 });
}

const CASES: Quantized[] = [
  quantizeCase("residual acc + act", floatGraph(IN, (b, x) => {
    const r = relu(b, "r1", conv(b, "c1", x, 2, 3));
    return b.node("Add", "add", [conv(b, "c2", r, 3, 3), r]);
  })),
  quantizeCase("act + act at different scales", floatGraph(IN, (b, x) => {
    const r1 = relu(b, "r1", conv(b, "c1", x, 2, 3));
    const r2 = relu(b, "r2", conv(b, "c2", x, 2, 3, { gain: 9 }));
    return relu(b, "out", b.node("Add", "add", [r1, r2]));
  }, { seed: 2 })),
  quantizeCase("acc + acc", floatGraph(IN, (b, x) => b.node("Add", "add", [conv(b, "c1", x, 2, 3), conv(b, "c2", x, 2, 3, { gain: 0.1 })]), { seed: 3 })),
  quantizeCase("Sub of an int8 value from an int32 one", floatGraph(IN, (b, x) => {
    const r = relu(b, "r1", conv(b, "c1", x, 2, 3));
    return b.node("Sub", "sub", [conv(b, "c2", x, 2, 3), r]);
  }, { seed: 4 })),
  quantizeCase("Add/Sub/Mul/Div by scalar and per-channel constants, either side", floatGraph(IN, (b, x) => {
    let v = conv(b, "c1", x, 2, 3);
    v = b.node("Add", "addc", [v, b.init("k1", f32([], [0.75]))]);
    v = b.node("Mul", "mulc", [b.init("k2", f32([3, 1, 1], [0.5, -2, 3.25])), v]);
    v = b.node("Sub", "subc", [b.init("k3", f32([3, 1, 1], [0.1, -0.4, 0.3])), v]);
    v = b.node("Div", "divc", [v, b.init("k4", f32([], [3]))]);
    v = relu(b, "r", v);
    v = b.node("Div", "divc2", [v, b.init("k5", f32([3, 1, 1], [0.5, 4, -1.5]))]);
    return b.node("Add", "addc2", [b.init("k6", f32([3, 1, 1], [1, -1, 0.5])), v]);
  }, { seed: 5 })),
  quantizeCase("run-time Mul of two branches", floatGraph(IN, (b, x) => {
    const a = relu(b, "ra", conv(b, "c1", x, 2, 3));
    return b.node("Mul", "mul", [a, conv(b, "c2", x, 2, 3)]);
  }, { seed: 6 })),
  quantizeCase("Neg", floatGraph(IN, (b, x) => relu(b, "r", b.node("Neg", "neg", [conv(b, "c1", x, 2, 3)])), { seed: 7 })),
  quantizeCase("Max/Min of like int8 values and an int8 constant", floatGraph(IN, (b, x) => {
    const r = relu(b, "r", conv(b, "c1", x, 2, 3));
    const t = b.node("Transpose", "t", [r], 1, { perm: [0, 1, 3, 2] });
    const m = b.node("Max", "max", [r, t, b.init("floor", f32([3, 1, 1], [0.05, 0.1, 0]))]);
    return b.node("Min", "min", [m, b.node("Transpose", "t2", [m], 1, { perm: [0, 1, 3, 2] })]);
  }, { seed: 8 })),
  quantizeCase("Max/Min in int32 (scales differ)", floatGraph(IN, (b, x) => {
    // Two int32 branches (no int8 value to join): they meet in int32 at the finer scale. (An int8
    // branch would be made at the int32 branch's scale to begin with: quantize-graph.ts capShifts.)
    const a = conv(b, "c1", x, 2, 3, { gain: 6 }), r = conv(b, "c2", x, 2, 3);
    return b.node("Min", "min", [b.node("Max", "max", [a, r]), b.init("cap", f32([], [6]))]);
  }, { seed: 9 })),
  quantizeCase("Concat of like int8 values", floatGraph(IN, (b, x) => {
    const r = relu(b, "r", conv(b, "c1", x, 2, 3));
    return b.node("Concat", "cat", [r, b.node("Transpose", "t", [r], 1, { perm: [0, 1, 3, 2] })], 1, { axis: 1 });
  }, { seed: 10 })),
  quantizeCase("Concat joining an int32 value to an int8 one", floatGraph(IN, (b, x) => {
    const r = relu(b, "r", conv(b, "c1", x, 2, 3, { gain: 4 }));
    return b.node("Concat", "cat", [r, conv(b, "c2", x, 2, 2, { gain: 0.3 })], 1, { axis: 1 });
  }, { seed: 11 })),
  // ReLUs of different ranges are made at the coarser scale to begin with, so they concatenate as int8.
  quantizeCase("Concat of ReLUs of different ranges", floatGraph(IN, (b, x) => b.node("Concat", "cat", [relu(b, "r1", conv(b, "c1", x, 2, 3)), relu(b, "r2", conv(b, "c2", x, 2, 2, { gain: 6 }))], 1, { axis: 1 }), { seed: 13 })),
  quantizeCase("Concat in int32", floatGraph(IN, (b, x) => b.node("Concat", "cat", [conv(b, "c1", x, 2, 3), conv(b, "c2", x, 2, 2, { gain: 5 })], 1, { axis: 1 }), { seed: 12 })),
  // Min(non-negative, signed) may be negative: taken for non-negative, the mean after it lost the
  // offset that makes its truncating Div round, and the circuit refused the rescale.
  quantizeCase("Min of a non-negative and a signed value, then a mean", floatGraph(IN4, (b, x) => {
    const m = b.node("Min", "min", [relu(b, "r", conv(b, "c1", x, 2, 3)), conv(b, "c2", x, 2, 3, { gain: 0.5 })]);
    return b.node("GlobalAveragePool", "gap", [m]);
  }, { seed: 3 })),
  quantizeCase("Max of a signed value and a non-negative one, then a mean", floatGraph(IN4, (b, x) => {
    const m = b.node("Max", "max", [conv(b, "c2", x, 2, 3, { gain: 0.5 }), relu(b, "r", conv(b, "c1", x, 2, 3))]);
    return b.node("GlobalAveragePool", "gap", [m]);
  }, { seed: 3 })),
  // Keras' ReLU(max_value=6) as Relu + Min: 6 is past 127 at the activation's scale.
  quantizeCase("ReLU6 as Relu + Min 6", floatGraph(IN, (b, x) => b.node("Min", "min", [relu(b, "r", conv(b, "c1", x, 2, 3, { gain: 0.3 })), b.init("six", f32([], [6]))]), { seed: 3 })),
  quantizeCase("ReLU6 as Relu + Min 6, uint8 activations", floatGraph(IN, (b, x) => b.node("Min", "min", [relu(b, "r", conv(b, "c1", x, 2, 3, { gain: 0.3 })), b.init("six", f32([], [6]))]), { seed: 3 }), { activationType: "uint8" }),
  quantizeCase("a value read by three nodes", threeReaders(1)),
  quantizeCase("a value read by one node", threeReaders(0)),
];
const byName = (n: string) => CASES.find((c) => c.name === n)!;
const ops = (q: Quantized) => q.int.nodes.map((n) => n.opType);

const dir = path.join(REPO_ROOT, "build", "test-circuits", `quantize-merge-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("quantizing merges and arithmetic", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s: onnxruntime == evaluator and close to float", async (_, q) => {
    await expectOrtEqualsEvaluator(q);
    await expectAccurate(q);
  });

  it("takes the route each case is about", () => {
    const add = (q: Quantized) => q.report.layers.find((l) => l.node === "add")!;
    const [s1, s2] = add(byName("act + act at different scales")).aligned!;
    expect(s1).not.toBe(s2);
    expect(byName("act + act at different scales").int.nodes.filter((n) => n.opType === "Mul" && n.inputs[0].startsWith("r")).length).toBe(1);
    expect(add(byName("residual acc + act")).aligned!.length).toBe(2);
    expect(byName("Max/Min of like int8 values and an int8 constant").int.nodes.find((n) => n.name === "max")!.inputs.every((i) => !i.includes(".s"))).toBe(true);
    const likeMax = byName("Max/Min of like int8 values and an int8 constant").int.initializers.get(byName("Max/Min of like int8 values and an int8 constant").int.nodes.find((n) => n.name === "max")!.inputs[2])!;
    expect(likeMax.dtype).toBe("int8");
    expect(byName("Max/Min in int32 (scales differ)").report.layers.find((l) => l.node === "max")!.accShift).toBeDefined();
    expect(byName("Concat of like int8 values").report.layers.find((l) => l.node === "cat")!.outShift).toBeDefined();
    const joined = byName("Concat joining an int32 value to an int8 one");
    expect(joined.report.layers.find((l) => l.node === "cat")!.outShift, "joined as int8").toBeDefined();
    expect(joined.int.outputs[0].dtype).toBe("int8");
    expect(byName("Concat in int32").int.outputs[0].dtype).toBe("int32");
    const capped = byName("Concat of ReLUs of different ranges");
    expect(capped.int.outputs[0].dtype).toBe("int8");
    expect(capped.report.layers.some((l) => l.opType === "Requant"), "no realignment").toBe(false);
    const [o1, o2] = ["r1", "r2"].map((r) => capped.report.layers.find((l) => l.node === r)!.outShift);
    expect(o1).toBe(o2);
    expect(ops(byName("run-time Mul of two branches")).filter((o) => o === "Mul").length).toBeGreaterThanOrEqual(1);
  });

  it("a Min is non-negative only when all its inputs are, a Max when any is", () => {
    const half = (q: Quantized) => Number(q.int.initializers.get("gap.half")!.data[0]);
    expect(half(byName("Min of a non-negative and a signed value, then a mean")), "the signed mean's offset 128·n").toBe(2 + 128 * 4);
    expect(half(byName("Max of a signed value and a non-negative one, then a mean"))).toBe(2);
  });

  it("clamps a Min cap above the int8 range to its end, exactly, and stays in int8", () => {
    for (const q of [byName("ReLU6 as Relu + Min 6"), byName("ReLU6 as Relu + Min 6, uint8 activations")]) {
      const min = q.int.nodes.find((n) => n.name === "min")!;
      const cap = q.int.initializers.get(min.inputs[1])!;
      expect(cap.dtype).toBe(q.name.includes("uint8") ? "uint8" : "int8");
      expect(Number(cap.data[0])).toBe(q.name.includes("uint8") ? 255 : 127);
    }
  });

  it("folds a rounding constant into a bias only when one node reads the layer's output (attack: a shared bias)", () => {
    // The integer value standing for c must be ConvInteger + round(b · 2^accShift) exactly, for every reader.
    const exactBias = (q: Quantized) => {
      const acc = q.report.layers.find((l) => l.node === "c")!.accShift!;
      return Array.from(q.float.initializers.get("c.b")!.data as Float32Array, (v) => Math.round(v * 2 ** acc));
    };
    const shared = byName("a value read by three nodes"), alone = byName("a value read by one node");
    expect(Array.from(shared.int.initializers.get("c.bq")!.data as Int32Array)).toEqual(exactBias(shared));
    const x = [...Array(shared.size).keys()].map((i) => ((i * 37) % 256) - 128);
    const v = evaluateGraph(shared.int, { x: { dtype: "int8", dims: IN, data: x } });
    const conv = v.get("c.acc")!.data, seen = v.get("c_out")!.data;
    expect(seen.map((s, i) => s - conv[i])).toEqual(conv.map((_, i) => exactBias(shared)[Math.floor(i / 9)]));
    // The Add reads c_out itself, the Relu and the table their own explicit Adds of the constant.
    expect(shared.int.nodes.find((n) => n.name === "sum")!.inputs).toContain("c_out");
    expect(shared.int.nodes.filter((n) => n.opType === "Add" && n.inputs[0] === "c_out").length).toBe(2);
    // The control: with the Relu its only reader, c's bias carries the rounding constant 2^(k-1).
    const k = alone.report.layers.find((l) => l.node === "r")!.rescale!;
    expect(Array.from(alone.int.initializers.get("c.bq")!.data as Int32Array)).toEqual(exactBias(alone).map((b) => b + 2 ** (k - 1)));
  });

  it("every quantized graph compiles to a circuit whose witness is onnxruntime's, on extreme and random inputs", async () => {
    await expectCircuitsAgree(CASES, dir);
  }, 240_000);
});
