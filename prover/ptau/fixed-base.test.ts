/**
 * The fixed-base multiplier with the widest window the generator chooses (14 bits, used from
 * 2^17 on): its G2 table's batch inversion needs megabytes of wasm scratch space, which once
 * overran the reserved headroom ("memory access out of bounds").
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadFfjavascript } from "./deps.ts";
import { FixedBaseMultiplier, type FfCurve } from "./fixed-base.ts";
import { encodeScalars } from "./scalars.ts";

let curve: FfCurve & { G2: { timesScalar(p: Uint8Array, s: Uint8Array): Uint8Array; toAffine(p: Uint8Array): Uint8Array; g: Uint8Array; eq(a: Uint8Array, b: Uint8Array): boolean; fromRprLEM(b: Uint8Array, o: number): Uint8Array } };
afterAll(async () => curve?.terminate());

describe("FixedBaseMultiplier", () => {
  it("builds a 2^14-entry G2 window table and multiplies correctly with it", async () => {
    curve = (await (await loadFfjavascript()).getCurveFromName("bn128", { singleThread: true })) as typeof curve;
    const m = new FixedBaseMultiplier(curve, "G2", 14);
    const scalars = [1n, 2n, 123456789n, (1n << 253n) + 987654321n];
    const out = m.multiply(encodeScalars(scalars), scalars.length);
    scalars.forEach((s, i) => {
      const le = new Uint8Array(32);
      for (let b = 0, v = s; b < 32; b++, v >>= 8n) le[b] = Number(v & 0xffn);
      const expected = curve.G2.toAffine(curve.G2.timesScalar(curve.G2.g, le));
      const got = curve.G2.fromRprLEM(out, i * 128);
      expect(curve.G2.eq(got, expected), `scalar ${s}`).toBe(true);
    });
  }, 120_000);
});
