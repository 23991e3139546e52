/**
 * Training is reproducible bit for bit from the seed and actually learns: a tiny CNN on a
 * synthetic two-class problem (a bright left or right half) reaches full accuracy.
 */
import { describe, expect, it } from "vitest";
import { Rng } from "../rng.ts";
import { Net } from "./net.ts";
import { train } from "./train.ts";
import type { LayerSpec } from "./layer.ts";

const SPECS: LayerSpec[] = [
  { type: "conv", filters: 2, kernel: 3 }, { type: "relu" }, { type: "avgpool" }, { type: "flatten" }, { type: "dense", units: 2 },
];

function data(n: number, seed: number) {
  const rng = new Rng(seed);
  const xs = new Float64Array(n * 36), ys = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    ys[k] = rng.next() < 0.5 ? 0 : 1;
    for (let i = 0; i < 36; i++) xs[k * 36 + i] = 0.5 * rng.next() + ((i % 6 < 3) === (ys[k] === 0) ? 0.5 : 0);
  }
  return { xs, ys };
}

function run(seed: number) {
  const rng = new Rng(seed);
  const net = new Net([1, 6, 6], SPECS, rng);
  const { xs, ys } = data(200, 99);
  const losses = train(net, xs, ys, rng, { epochs: 5, batch: 16, lr: 0.02, lrDecay: 0.9, weightDecay: 1e-4 });
  return { net, losses, params: net.params.map((p) => Array.from(p.value)) };
}

describe("train", () => {
  it("learns, and is reproducible from the seed", () => {
    const a = run(3), b = run(3), c = run(4);
    expect(a.losses.at(-1)!).toBeLessThan(a.losses[0]);
    expect(b.params).toEqual(a.params);
    expect(c.params).not.toEqual(a.params);
    const test = data(100, 7);
    expect(a.net.accuracy(test.xs, test.ys)).toBe(1);
  });
});
