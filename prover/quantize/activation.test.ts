/**
 * The activation requant + table the quantizer writes, on every int32 accumulator of a range
 * that covers both clamps: onnxruntime == the integer evaluator == the reference
 * table[clamp(floor((acc + 2^(k-1)) / 2^k), -128, 127) + 128], rounding half up on negative
 * values too. The attack it guards against: the obvious "Add half, Div, Clip to [-128, 127]"
 * rounds negative accumulators toward zero in onnxruntime (its integer Div truncates), which
 * is another function; the test shows that formulation differs, and ours does not.
 */
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { onnxSession } from "../onnx/runtime.ts";
import { evaluateOutput } from "../evaluate-integer.ts";
import { activationLayer } from "./activation.ts";
import { QuantizeContext } from "./context.ts";
import { quantizeModel } from "./index.ts";
import { Rng } from "../../models/lib/rng.ts";
import { initMlp, mlpToOnnx } from "../../models/lib/mlp.ts";

const K = 4, S_IN = 3, S_OUT = 7;
const ACC: number[] = [];
for (let v = -132 * 2 ** K; v <= 132 * 2 ** K; v++) ACC.push(v);

/** input acc (int32) → Add(bias) → [nodes] → output. */
function graph(build: (inits: Map<string, Tensor>, nodes: Node[]) => string): Graph {
  const inits = new Map<string, Tensor>([["bq", { dtype: "int32", dims: [1], data: Int32Array.from([0]) }]]);
  const nodes: Node[] = [{ name: "bias", opType: "Add", inputs: ["x", "bq"], outputs: ["acc"], attrs: {} }];
  const out = build(inits, nodes);
  return { name: "act", opset: 17, nodes, initializers: inits, metadata: {}, inputs: [{ name: "x", dtype: "int32", dims: [1, ACC.length] }], outputs: [{ name: out, dtype: "int8", dims: [1, ACC.length] }] };
}

async function both(g: Graph): Promise<{ ort: number[]; ev: number[] }> {
  const s = await onnxSession(writeOnnx(g));
  const r = await s.run({ x: new ort.Tensor("int32", Int32Array.from(ACC), [1, ACC.length]) });
  const ev = evaluateOutput(g, { x: { dtype: "int32", dims: [1, ACC.length], data: ACC } }).data;
  return { ort: Array.from(r[s.outputNames[0]].data as Int8Array, Number), ev: Array.from(ev, Number) };
}

const clamp = (v: number) => Math.max(-128, Math.min(127, v));
const table = (q: number) => clamp(Math.round(Math.tanh(q / 2 ** S_IN) * 2 ** S_OUT));

describe("activation requant + table", () => {
  it("onnxruntime == evaluator == reference on every accumulator from -132·2^k to 132·2^k", async () => {
    const g = graph((inits, nodes) => {
      const node: Node = { name: "tanh", opType: "Univariate", inputs: ["acc"], outputs: ["y"], attrs: { fn: "Tanh" } };
      // inRange 12 → s_in 3 (12·8 < 128); the accumulator's scale 2^7 → k = 4; outRange 1 → s_out 7.
      // A float graph in which only the activation reads "acc": the rounding goes into the bias.
      const float: Graph = { name: "f", opset: 17, nodes: [node], initializers: new Map(), metadata: {}, inputs: [], outputs: [] };
      const ranges = new Map([["acc", { dims: [1], data: [12] }], ["y", { dims: [1], data: [1] }]]);
      const ctx = new QuantizeContext(float, [ranges], 1, "int8");
      ctx.inits.set("bq", inits.get("bq")!);
      const a = activationLayer(ctx, node, "tanh", { name: "acc", float: "acc", shift: S_IN + K, kind: "acc", bias: "bq", bound: 2 ** 20, dims: [1, ACC.length] }, "y");
      for (const [n, t] of ctx.inits) inits.set(n, t);
      nodes.push(...ctx.nodes);
      expect(a).toEqual({ inShift: S_IN, outShift: S_OUT, rescale: K });
      return "y";
    });
    const { ort: o, ev } = await both(g);
    const ref = ACC.map((acc) => table(clamp(Math.floor((acc + 2 ** (K - 1)) / 2 ** K))));
    expect(ev).toEqual(o);
    expect(o).toEqual(ref);
  });

  it("the naive signed formulation (Add half, Div, Clip [-128, 127]) rounds negative values differently in onnxruntime", async () => {
    const g = graph((inits, nodes) => {
      const i32 = (name: string, v: number) => inits.set(name, { dtype: "int32", dims: [], data: Int32Array.from([v]) });
      i32("half", 2 ** (K - 1)); i32("div", 2 ** K); i32("lo", -128); i32("hi", 127);
      nodes.push(
        { name: "round", opType: "Add", inputs: ["acc", "half"], outputs: ["r"], attrs: {} },
        { name: "rescale", opType: "Div", inputs: ["r", "div"], outputs: ["q"], attrs: {} },
        { name: "clip", opType: "Clip", inputs: ["q", "lo", "hi"], outputs: ["c"], attrs: {} },
        { name: "cast", opType: "Cast", inputs: ["c"], outputs: ["y"], attrs: { to: 3 } },
      );
      return "y";
    });
    const { ort: o, ev } = await both(g);
    expect(ev).toEqual(o);
    const roundHalfUp = ACC.map((acc) => clamp(Math.floor((acc + 2 ** (K - 1)) / 2 ** K)));
    const differ = ACC.filter((_, i) => o[i] !== roundHalfUp[i]);
    expect(differ.length).toBeGreaterThan(0);
    expect(differ.every((acc) => acc < -(2 ** (K - 1)))).toBe(true);
  });

  it("takes an activation on an int8 value (after a Relu): the integer graph agrees with onnxruntime", async () => {
    const rng = new Rng(3);
    const g = mlpToOnnx(initMlp([4, 3, 2], rng), "x");
    const relu = g.nodes.findIndex((n) => n.opType === "Relu");
    g.nodes.splice(relu + 1, 0, { name: "late", opType: "Tanh", inputs: [g.nodes[relu].outputs[0]], outputs: ["late.out"], attrs: {} });
    g.nodes[relu + 2] = { ...g.nodes[relu + 2], inputs: ["late.out", ...g.nodes[relu + 2].inputs.slice(1)] };
    const calib = Array.from({ length: 10 }, () => Array.from({ length: 4 }, () => rng.next()));
    const { graph: q, report } = quantizeModel(g, calib);
    expect(q.nodes.some((n) => n.name === "late.lookup")).toBe(true);
    const s = await onnxSession(writeOnnx(q));
    for (const x of calib) {
      const xi = Int8Array.from(x, (v) => Math.max(-128, Math.min(127, Math.round(v * 2 ** report.inputShift))));
      const r = await s.run({ [q.inputs[0].name]: new ort.Tensor("int8", xi, [1, 4]) });
      const ev = evaluateOutput(q, { [q.inputs[0].name]: { dtype: "int8", dims: [1, 4], data: Array.from(xi) } }).data;
      expect(Array.from(r[s.outputNames[0]].data as Int32Array, Number)).toEqual(Array.from(ev, Number));
    }
  });
});
