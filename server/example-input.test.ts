import { describe, expect, it } from "vitest";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { DIGITS_EXAMPLE, exampleInput } from "./example-input.ts";

const card = (name: string, shape: number[]) => ({ name, input: { name: "input", shape, dtype: "int8" as const, shift: 4, quantization: "" } });

describe("the gateway's example input", () => {
  it("is digits-mlp's first test digit, without the server loading the data set", () => {
    expect([...DIGITS_EXAMPLE]).toEqual(splitDigits(loadDigits()).test[0].pixels);
    expect(exampleInput(card("digits-mlp", [1, 64]))).toEqual(splitDigits(loadDigits()).test[0].pixels);
  });

  it("is zeros of the input's size for any other model, or a digits-mlp of another shape", () => {
    expect(exampleInput(card("iris", [1, 4]))).toEqual([0, 0, 0, 0]);
    expect(exampleInput(card("digits-mlp", [1, 2, 3]))).toEqual(new Array(6).fill(0));
  });
});
