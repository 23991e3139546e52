import { describe, expect, it } from "vitest";
import { ProverError } from "./errors.ts";
import { toInt8Input } from "./input-values.ts";
import { readInput } from "../cli/input.ts";
import { UsageError } from "../cli/args.ts";

const image = { shape: [1, 8, 8], shift: 4 };
const ramp = Array.from({ length: 64 }, (_, i) => i - 32);
const rows = (n: number) => Array.from({ length: 64 / n }, (_, r) => ramp.slice(r * n, r * n + n));

function refusal(f: () => unknown): ProverError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ProverError);
    expect((e as ProverError).message.startsWith(`${(e as ProverError).field}: `)).toBe(true);
    return e as ProverError;
  }
  throw new Error("accepted");
}

describe("the one input check", () => {
  it("accepts the flat vector, the image's rows, and the rows with the batch dimension alike", () => {
    for (const v of [ramp, rows(8), [rows(8)], Int8Array.from(ramp)]) expect(Array.from(toInt8Input(v, image, "int8", "x"))).toEqual(ramp);
  });

  it("refuses a wrongly shaped input instead of reinterpreting it (the old CLI flattened 4 rows of 16 into an 8x8 image)", () => {
    expect(refusal(() => toInt8Input(rows(16), image, "int8", "--input")).field).toBe("--input");
    expect(refusal(() => toInt8Input([...rows(8).slice(0, 7), [...rows(8)[7], 1].slice(1, 9), 5], image, "int8", "--input")).field).toBe("--input");
    expect(refusal(() => toInt8Input([ramp.slice(0, 32), ramp.slice(32)], image, "int8", "--input")).field).toBe("--input");
    // Mixed depths: a row where a number belongs, or a number where a row belongs.
    expect(refusal(() => toInt8Input([...ramp.slice(0, 63), [1]], image, "int8", "--input")).field).toBe("--input[63]");
    expect(refusal(() => toInt8Input([...rows(8).slice(0, 7), 3], image, "int8", "--input")).field).toBe("--input[7]");
  });

  it("refuses NaN, infinities, non-integers, strings and out-of-range values, naming the index", () => {
    const at = (v: unknown, kind: "int8" | "float" = "int8") => refusal(() => toInt8Input([...ramp.slice(0, 10), v, ...ramp.slice(11)], image, kind, "input")).field;
    for (const v of [NaN, Infinity, -Infinity, 1.5, "3", null, 128, -129, true]) expect(at(v), String(v)).toBe("input[10]");
    for (const v of [NaN, Infinity, "0.5", null]) expect(at(v, "float"), String(v)).toBe("input[10]");
    expect(refusal(() => toInt8Input(ramp.slice(1), image, "int8", "input")).message).toBe("input: expected 64 elements (shape [64]), got 63");
  });

  it("quantizes floats as the calibration did: round half away from zero, clamp", () => {
    const q = toInt8Input([0.03125, -0.03125, 0.09, 100, -100, 0], { shape: [6], shift: 4 }, "float", "x");
    expect(Array.from(q)).toEqual([1, -1, 1, 127, -128, 0]);
  });

  it("the CLI's --input goes through it: a refusal is a UsageError naming --input and its index", () => {
    const manifest = { input: { name: "x", dtype: "int8", ...image } };
    expect(Array.from(readInput(JSON.stringify(rows(8)), manifest, false))).toEqual(ramp);
    expect(() => readInput(JSON.stringify(rows(16)), manifest, false)).toThrow(UsageError);
    expect(() => readInput(JSON.stringify(rows(16)), manifest, false)).toThrow(/^--input: expected 8 elements/);
    expect(() => readInput(JSON.stringify([...ramp.slice(0, 63), 300]), manifest, false)).toThrow(/^--input\[63\]: 300 is not an int8 \(-128\.\.127\); pass --float/);
  });
});
