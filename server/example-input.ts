/**
 * The input the gateway's example curl sends: digits-mlp's first test image for that model,
 * zeros for any other. Kept as data here so the server never loads the digits data set (a
 * training-data loader under models/, which an installed package does not ship).
 * server/example-input.test.ts checks it is still that image.
 */
import type { ModelInfo } from "./core/types.ts";

/** digits-mlp's first test digit (a 6) in models/lib/digits.ts's fixed split: 8x8 raw pixels 0..16, sent as int8. */
export const DIGITS_EXAMPLE: readonly number[] = [
  0, 0, 1, 10, 0, 0, 0, 0, 0, 0, 4, 15, 0, 0, 0, 0, 0, 0, 10, 11, 0, 0, 0, 0, 0, 0, 13, 9, 3, 2, 0, 0,
  0, 0, 13, 16, 16, 15, 4, 0, 0, 0, 13, 13, 6, 4, 12, 0, 0, 0, 9, 11, 5, 9, 15, 2, 0, 0, 2, 12, 16, 12, 6, 0,
];

export function exampleInput(m: Pick<ModelInfo, "name"> & { input: Pick<ModelInfo["input"], "shape"> }): number[] {
  const size = m.input.shape.reduce((a, b) => a * b, 1);
  return m.name === "digits-mlp" && size === DIGITS_EXAMPLE.length ? [...DIGITS_EXAMPLE] : new Array(size).fill(0);
}
