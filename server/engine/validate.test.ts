import { describe, expect, it } from "vitest";
import { ServiceError } from "../core/types.ts";
import { toInt8Input } from "./validate.ts";

const spec = { shape: [1, 2, 3], shift: 4 };
const six = [0, 1, -1, 127, -128, 5];

function fieldOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceError);
    expect((e as ServiceError).code).toBe("INVALID_ARGUMENT");
    expect((e as ServiceError).message).toContain((e as ServiceError).field!);
    return (e as ServiceError).field;
  }
  throw new Error("no error");
}

describe("toInt8Input", () => {
  it("accepts flat, nested, and nested-with-batch int8 values alike", () => {
    for (const values of [six, [[0, 1, -1], [127, -128, 5]], [[[0, 1, -1], [127, -128, 5]]]]) {
      expect(Array.from(toInt8Input({ kind: "int8", values }, spec))).toEqual(six);
    }
  });

  it("quantizes floats rounding half away from zero and clamping to int8", () => {
    const q = toInt8Input({ kind: "float", values: [0.03125, -0.03125, 0.09, 100, -100, 0] }, spec);
    expect(Array.from(q)).toEqual([1, -1, 1, 127, -128, 0]);
  });

  it("names the field and what was expected", () => {
    expect(fieldOf(() => toInt8Input({ kind: "int8", values: [1, 2] }, spec))).toBe("input.values");
    expect(fieldOf(() => toInt8Input({ kind: "int8", values: [[0, 1, 2], [3, 4]] }, spec))).toBe("input.values[1]");
    expect(fieldOf(() => toInt8Input({ kind: "int8", values: [0, 1, 2, 3, 4.5, 5] }, spec))).toBe("input.values[4]");
    expect(fieldOf(() => toInt8Input({ kind: "int8", values: [[0, 1, 2], [3, 4, 128]] }, spec))).toBe("input.values[1][2]");
    expect(fieldOf(() => toInt8Input({ kind: "float", values: [0, 1, NaN, 3, 4, 5] }, spec))).toBe("input.values[2]");
    expect(fieldOf(() => toInt8Input({ kind: "float", values: [0, 1, "2", 3, 4, 5] }, spec))).toBe("input.values[2]");
    expect(fieldOf(() => toInt8Input({ kind: "int16", values: six } as never, spec))).toBe("input.kind");
    expect(fieldOf(() => toInt8Input(null, spec))).toBe("input");
  });
});
