/**
 * Numerical gradient checks: every analytic gradient of the layers (weights, biases and the
 * inputs they pass back) against central finite differences of the loss, on tiny shapes.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../rng.ts";
import { Net } from "./net.ts";
import { softmaxCrossEntropy } from "./loss.ts";
import { Conv2d } from "./conv2d.ts";
import { Dense } from "./dense.ts";
import type { LayerSpec } from "./layer.ts";

function setup(inputShape: number[], specs: LayerSpec[], batch: number, seed: number) {
  const rng = new Rng(seed);
  const net = new Net(inputShape, specs, rng);
  for (const l of net.layers) if (l instanceof Conv2d || l instanceof Dense) l.inputGrad = true; // check dx too
  for (const p of net.params) for (let i = 0; i < p.value.length; i++) p.value[i] = rng.normal() * 0.5; // non-zero biases
  const x = Float64Array.from({ length: batch * net.inSize }, () => rng.next());
  const labels = Array.from({ length: batch }, () => Math.floor(rng.next() * net.outSize));
  const loss = () => softmaxCrossEntropy(net.forward(x, batch), labels, batch).loss;
  return { net, x, labels, loss };
}

/** Largest |analytic - numeric| relative to max(1e-3, |numeric|) over all params and inputs. */
function worstError(inputShape: number[], specs: LayerSpec[], batch = 3, seed = 1): number {
  const { net, x, labels, loss } = setup(inputShape, specs, batch, seed);
  const { dlogits } = softmaxCrossEntropy(net.forward(x, batch), labels, batch);
  // dLoss/dx: run the backward pass by hand so the first layer's input gradient is kept.
  let d = dlogits;
  for (let i = net.layers.length - 1; i >= 0; i--) d = net.layers[i].backward(d);
  const h = 1e-6;
  let worst = 0;
  const check = (arr: Float64Array, analytic: ArrayLike<number>) => {
    for (let i = 0; i < arr.length; i++) {
      const v = arr[i];
      arr[i] = v + h;
      const up = loss();
      arr[i] = v - h;
      const down = loss();
      arr[i] = v;
      const numeric = (up - down) / (2 * h);
      worst = Math.max(worst, Math.abs(analytic[i] - numeric) / Math.max(1e-3, Math.abs(numeric)));
    }
  };
  for (const p of net.params) check(p.value, Float64Array.from(p.grad));
  check(x, d);
  return worst;
}

describe("nn gradients", () => {
  it("dense layers with ReLU", () => {
    expect(worstError([6], [{ type: "dense", units: 5 }, { type: "relu" }, { type: "dense", units: 4 }])).toBeLessThan(1e-5);
  });

  it("convolutions, average pooling (odd size: floor) and flatten", () => {
    const specs: LayerSpec[] = [
      { type: "conv", filters: 3, kernel: 3 }, { type: "relu" }, { type: "avgpool" },
      { type: "conv", filters: 4, kernel: 2 }, { type: "relu" }, { type: "flatten" }, { type: "dense", units: 3 },
    ];
    expect(worstError([2, 9, 9], specs, 2, 5)).toBeLessThan(1e-5); // 9 → 7 → 3 (floor) → 2
  });

  it("a LeNet-shaped stack", () => {
    const specs: LayerSpec[] = [
      { type: "conv", filters: 2, kernel: 3 }, { type: "relu" }, { type: "avgpool" },
      { type: "conv", filters: 3, kernel: 2 }, { type: "relu" }, { type: "avgpool" }, { type: "flatten" },
      { type: "dense", units: 5 }, { type: "relu" }, { type: "dense", units: 4 },
    ];
    expect(worstError([1, 10, 10], specs, 2, 9)).toBeLessThan(1e-5);
  });

  it("the first layer skips its input gradient in training, without changing the param grads", () => {
    const specs: LayerSpec[] = [{ type: "conv", filters: 2, kernel: 3 }, { type: "relu" }, { type: "flatten" }, { type: "dense", units: 3 }];
    const grads = [true, false].map((inputGrad) => {
      const { net, x, labels } = setup([1, 5, 5], specs, 2, 3);
      (net.layers[0] as Conv2d).inputGrad = inputGrad;
      net.backward(softmaxCrossEntropy(net.forward(x, 2), labels, 2).dlogits);
      return net.params.map((p) => Array.from(p.grad));
    });
    expect(grads[1]).toEqual(grads[0]);
  });
});
