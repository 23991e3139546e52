/**
 * The exported float ONNX graphs compute what the TypeScript forward pass does: logits from
 * onnxruntime-node equal Net.logits within 1e-4, for a dense net and both CNN layouts.
 */
import { describe, expect, it } from "vitest";
import ort from "onnxruntime-node";
import { Rng } from "../rng.ts";
import { Net } from "./net.ts";
import { netToOnnx } from "./to-onnx.ts";
import type { LayerSpec } from "./layer.ts";
import { readOnnx, writeOnnx } from "../../../prover/onnx/proto.ts";

const CNN14: LayerSpec[] = [
  { type: "conv", filters: 5, kernel: 3 }, { type: "relu" }, { type: "avgpool" },
  { type: "conv", filters: 11, kernel: 3 }, { type: "relu" }, { type: "avgpool" }, { type: "flatten" },
  { type: "dense", units: 80 }, { type: "relu" }, { type: "dense", units: 10 },
];
const LENET: LayerSpec[] = [
  { type: "conv", filters: 6, kernel: 5 }, { type: "relu" }, { type: "avgpool" },
  { type: "conv", filters: 16, kernel: 5 }, { type: "relu" }, { type: "avgpool" }, { type: "flatten" },
  { type: "dense", units: 120 }, { type: "relu" }, { type: "dense", units: 84 }, { type: "relu" }, { type: "dense", units: 10 },
];
const DENSE: LayerSpec[] = [{ type: "dense", units: 24 }, { type: "relu" }, { type: "dense", units: 14 }, { type: "relu" }, { type: "dense", units: 10 }];

async function compare(inputShape: number[], specs: LayerSpec[]) {
  const rng = new Rng(11);
  const net = new Net(inputShape, specs, rng);
  for (const p of net.params) if (!p.decay) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal() * 0.1;
  net.roundToFloat32();
  const bytes = writeOnnx(netToOnnx(net, "t"));
  const session = await ort.InferenceSession.create(bytes);
  let worst = 0;
  for (let s = 0; s < 5; s++) {
    const x = Float32Array.from({ length: net.inSize }, () => rng.next());
    const out = await session.run({ input: new ort.Tensor("float32", x, [1, ...inputShape]) });
    const got = out.logits.data as Float32Array;
    const want = net.logits(x);
    expect(got.length).toBe(10);
    for (let j = 0; j < 10; j++) worst = Math.max(worst, Math.abs(got[j] - want[j]));
  }
  return { worst, graph: readOnnx(bytes) };
}

describe("netToOnnx", () => {
  it("dense net: input [1, 196], Gemm with transB=1 over [out, in] weights", async () => {
    const { worst, graph } = await compare([196], DENSE);
    expect(worst).toBeLessThan(1e-4);
    expect(graph.inputs[0]).toMatchObject({ name: "input", dims: [1, 196] });
    expect(graph.nodes.map((n) => n.opType)).toEqual(["Gemm", "Relu", "Gemm", "Relu", "Gemm"]);
    expect(graph.nodes[0].attrs).toEqual({ transB: 1 });
    expect(graph.initializers.get("layers.0.weight")!.dims).toEqual([24, 196]);
  });

  it("14x14 CNN: Conv, AveragePool, Flatten attributes as PyTorch writes them", async () => {
    const { worst, graph } = await compare([1, 14, 14], CNN14);
    expect(worst).toBeLessThan(1e-4);
    expect(graph.opset).toBe(17);
    expect(graph.inputs[0].dims).toEqual([1, 1, 14, 14]);
    expect(graph.outputs[0]).toMatchObject({ name: "logits", dims: [1, 10] });
    const conv = graph.nodes[0];
    expect(conv.attrs).toEqual({ dilations: [1, 1], group: 1, kernel_shape: [3, 3], pads: [0, 0, 0, 0], strides: [1, 1] });
    expect(graph.nodes[2].attrs).toMatchObject({ kernel_shape: [2, 2], strides: [2, 2] });
    expect(graph.nodes.find((n) => n.opType === "Flatten")!.attrs).toEqual({ axis: 1 });
    expect(graph.initializers.get("layers.7.weight")!.dims).toEqual([80, 44]);
  });

  it("28x28 LeNet-5", async () => {
    const { worst, graph } = await compare([1, 28, 28], LENET);
    expect(worst).toBeLessThan(1e-4);
    expect(graph.initializers.get("layers.3.weight")!.dims).toEqual([16, 6, 5, 5]);
    expect(graph.initializers.get("layers.7.weight")!.dims).toEqual([120, 256]);
  });
});
