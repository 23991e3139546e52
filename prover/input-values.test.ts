import { describe, expect, it } from "vitest";
import { ProverError } from "./errors.ts";
import { checkInputValues, floatRange, toInt8Input } from "./input-values.ts";
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

describe("float values the input scale cannot represent", () => {
  const spec = { shape: [1, 2, 3], shift: 4 }; // 16 per unit: -8 .. 7.9375
  const grid = (vals: number[]) => [vals.slice(0, 3), vals.slice(3, 6)];

  it("are counted exactly at the rounding boundaries, the first named in the caller's layout", () => {
    expect(floatRange(4)).toEqual({ min: -8, max: 7.9375 });
    // 127.4999 and -128.4999 round inside; 127.5 and -128.5 round (half away from zero) outside.
    const inside = checkInputValues(grid([127.4999 / 16, -128.4999 / 16, 7.9375, -8, 0, 1]), spec, "float", "x");
    expect(inside.clipped).toBe(0);
    expect(inside.firstClipped).toBeUndefined();
    const out = checkInputValues(grid([0, 127.5 / 16, -128.5 / 16, 1e9, -Number.MAX_VALUE, 1]), spec, "float", "x");
    expect(out).toMatchObject({ clipped: 4, firstClipped: "x[0][1]" });
    // Clipped, not wrapped: the same int8 vector as before.
    expect(Array.from(out.x)).toEqual([0, 127, -128, 127, -128, 16]);
    expect(Array.from(toInt8Input(grid([0, 127.5 / 16, -128.5 / 16, 1e9, -Number.MAX_VALUE, 1]), spec, "float", "x"))).toEqual(Array.from(out.x));
  });

  it("strict refuses the first, naming it and the range; int8 values are never 'clipped'", () => {
    const e = refusal(() => checkInputValues(grid([0, 1, 2, -9, 100, 0]), spec, "float", "--input", { strict: true }));
    expect(e.field).toBe("--input[1][0]");
    expect(e.message).toMatch(/-9 is outside the range the input scale 2\^4 represents \(-8\.\.7\.9375; it would be clipped to -8\)/);
    expect(checkInputValues(grid([7.9375, -8, 0, 0, 0, 0]), spec, "float", "x", { strict: true }).clipped).toBe(0);
    expect(checkInputValues(grid([127, -128, 0, 0, 0, 0]), spec, "int8", "x", { strict: true }).clipped).toBe(0);
  });
});
