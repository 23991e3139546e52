/**
 * The Fashion-MNIST loader on the repo's copy of the test split: shapes, labels, the float
 * scalings, and the error that names --train-dir when the training split is missing.
 */
import { describe, expect, it } from "vitest";
import { floatInput14, floatInput28, floatInputs, loadFashionTest, resolveTrainDir } from "../fashion-mnist.ts";

describe("fashion-mnist", () => {
  const test = loadFashionTest();

  it("reads the 10,000 test images and their labels, 1,000 per class", () => {
    expect(test.n).toBe(10000);
    expect(test.images.length).toBe(10000 * 784);
    const counts = new Array(10).fill(0);
    for (const l of test.labels) counts[l]++;
    expect(counts).toEqual(new Array(10).fill(1000));
    expect(Array.from(test.labels.slice(0, 5))).toEqual([9, 2, 1, 1, 6]);
  });

  it("scales pixels by 1/255 and pools 2x2 blocks for the 14x14 input", () => {
    const x28 = floatInput28(test, 3), x14 = floatInput14(test, 3);
    expect(x28[0] * 255).toBeCloseTo(test.images[3 * 784], 4);
    for (const [y, x] of [[0, 0], [6, 7], [13, 13]]) {
      const p = 3 * 784 + 56 * y + 2 * x;
      const mean = (test.images[p] + test.images[p + 1] + test.images[p + 28] + test.images[p + 29]) / 4;
      expect(x14[y * 14 + x]).toBeCloseTo(mean / 255, 6);
    }
    expect(Math.max(...x28)).toBeLessThanOrEqual(1);
    expect(floatInputs(test, 14, [3]).subarray(0, 196)).toEqual(x14);
  });

  it("names --train-dir and FASHION_MNIST_DIR when the training split is not found", () => {
    expect(() => resolveTrainDir(["node", "r", "--train-dir", "/nonexistent"], {})).toThrow(/--train-dir DIR or set FASHION_MNIST_DIR/);
    expect(() => resolveTrainDir([], { FASHION_MNIST_DIR: "/nonexistent" })).toThrow(/\/nonexistent/);
  });
});
