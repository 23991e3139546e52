/**
 * circuits/lib templates against their TypeScript reference, on random values (fast-check),
 * and the soundness side: a witness with any wrong hint value fails the constraints.
 */
import path from "node:path";
import fc from "fast-check";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { readFileSync, rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureCircuitBuild } from "../../prover/compiler/model.ts";
import { REPO_ROOT } from "../../prover/circom.ts";
import { readR1cs, firstViolated, type R1cs } from "../../prover/r1cs.ts";
import { readSym } from "../../prover/sym.ts";
import { requantValue } from "../../prover/lowering/requant.ts";
import { packInt8 } from "../../prover/commitment.ts";
import { toField, fromField } from "../../prover/field.ts";

type Calc = { calculateWitness(i: Record<string, unknown>, sanity: boolean): Promise<bigint[]> };
let calc: Calc, r1cs: R1cs, sym: Map<string, number>;

const outDir = path.join(REPO_ROOT, "build", "test-circuits", `lib-wrapper-${process.pid}`);
afterAll(() => rmSync(outDir, { recursive: true, force: true }));
beforeAll(async () => {
  const b = await ensureCircuitBuild(path.join(REPO_ROOT, "circuits", "lib", "test", "lib-wrapper.circom"), outDir);
  calc = (await WitnessCalculatorBuilder(readFileSync(b.wasm))) as Calc;
  r1cs = readR1cs(b.r1cs);
  sym = readSym(b.sym);
});

const witness = (a: number, b: number, x: number[]) => calc.calculateWitness({ a: BigInt(a), b: BigInt(b), x: x.map(BigInt) }, true);
const zeros = Array(40).fill(0);
const wire = (name: string) => {
  const i = sym.get(`main.${name}`);
  if (i === undefined) throw new Error(`no signal ${name}`);
  return i;
};

describe("ReluRescale, ReluRescaleClip, PackInt8", () => {
  it("compute relu, floor rescale, clip and packing exactly as the reference", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: -(2 ** 12), max: 2 ** 12 - 1 }),
        fc.integer({ min: -(2 ** 14), max: 2 ** 14 - 1 }),
        fc.array(fc.integer({ min: -128, max: 127 }), { minLength: 40, maxLength: 40 }),
        async (a, b, x) => {
          const w = await witness(a, b, x);
          expect(fromField(w[wire("relu")])).toBe(requantValue(BigInt(a), { relu: true, shift: 4, lo: null, hi: null }));
          expect(fromField(w[wire("clip")])).toBe(requantValue(BigInt(b), { relu: true, shift: 3, lo: 0, hi: 127 }));
          expect([w[wire("packed[0]")], w[wire("packed[1]")]]).toEqual(packInt8(x));
          expect(firstViolated(r1cs, w)).toBe(-1);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("handle the edges of their ranges", async () => {
    for (const [a, b] of [[-(2 ** 12), -(2 ** 14)], [2 ** 12 - 1, 2 ** 14 - 1], [0, 0], [15, 1023], [16, 1024], [-1, -1]]) {
      const w = await witness(a, b, zeros);
      expect(fromField(w[wire("relu")])).toBe(requantValue(BigInt(a), { relu: true, shift: 4, lo: null, hi: null }));
      expect(fromField(w[wire("clip")])).toBe(requantValue(BigInt(b), { relu: true, shift: 3, lo: 0, hi: 127 }));
    }
  });

  it("refuse an input outside the declared bound (no decomposition exists)", async () => {
    await expect(witness(2 ** 12, 0, zeros)).rejects.toThrow();
    await expect(witness(0, -(2 ** 14) - 1, zeros)).rejects.toThrow();
    await expect(witness(0, 0, [128, ...zeros.slice(1)])).rejects.toThrow();
  });

  it("reject a witness with any decomposition bit flipped", async () => {
    const w = await witness(1234, -77, zeros);
    let tried = 0;
    for (const [comp, n] of [["r.d", 13], ["c.d", 15]] as const) {
      for (let i = 0; i < n; i++) {
        const idx = sym.get(`main.${comp}.bits[${i}]`);
        if (idx === undefined || idx < 0) continue; // removed by --O2
        const bad = [...w];
        bad[idx] = 1n - bad[idx];
        expect(firstViolated(r1cs, bad), `${comp}.bits[${i}]`).toBeGreaterThanOrEqual(0);
        tried++;
      }
    }
    expect(tried).toBeGreaterThanOrEqual(20);
  });

  it("reject a wrong relu or clip output", async () => {
    for (const [a, b] of [[1234, 5000], [-50, -9], [100, 2000]]) {
      const w = await witness(a, b, zeros);
      for (const out of ["relu", "clip"]) {
        const bad = [...w];
        bad[wire(out)] = toField(fromField(bad[wire(out)]) + 1n);
        expect(firstViolated(r1cs, bad), `${out} for ${a}, ${b}`).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("reject a clip that claims an unsaturated value when the quotient is at least 128", async () => {
    // b = 5000: quotient 625 saturates at 127. A cheat claims isLow = 1 and out = the low 7 bits.
    const w = await witness(0, 5000, zeros);
    expect(fromField(w[wire("clip")])).toBe(127n);
    const bad = [...w];
    const low = 625n % 128n;
    bad[wire("c.isLow")] = 1n;
    bad[wire("c.clipped")] = low;
    bad[wire("clip")] = low;
    expect(firstViolated(r1cs, bad)).toBeGreaterThanOrEqual(0);
  });

  it("reject packing that does not match the range-checked values", async () => {
    const x = Array.from({ length: 40 }, (_, i) => (i * 37) % 256 - 128);
    const w = await witness(0, 0, x);
    const bad = [...w];
    bad[wire("packed[0]")] = w[wire("packed[0]")] + 1n;
    expect(firstViolated(r1cs, bad)).toBeGreaterThanOrEqual(0);
  });
});
