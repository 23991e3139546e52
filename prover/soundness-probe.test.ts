/**
 * The soundness probe finds what completeness tests cannot: tiny circuits with a `<--` hint
 * that nothing (or too little) constrains are flagged, naming the signal; the library's
 * correctly constrained ReluRescaleClip is not, except for its IsZero inverse when the operand
 * is zero (free and multiplied by zero, so benign), and then only as benign. Hints whose wrong
 * value the wires computed from them absorb pass one-wire probing and are found by the
 * Jacobian rank.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "./circom.ts";
import { ensureCircuitBuild } from "./compiler/model.ts";
import { firstViolated, readR1cs } from "./r1cs.ts";
import { readSym } from "./sym.ts";
import { calculateWitness } from "./witness.ts";
import { describeFree, probeSoundness } from "./soundness-probe.ts";
import { jacobianRank } from "./soundness-rank.ts";

const dir = path.join(REPO_ROOT, "build", "test-circuits", `soundness-probe-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function build(name: string, body: string) {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.circom`);
  writeFileSync(file, `pragma circom 2.1.0;\ninclude "zkinfer.circom";\n${body}\n`);
  const b = await ensureCircuitBuild(file, path.join(dir, `${name}-out`));
  return { r1cs: readR1cs(b.r1cs), sym: readSym(b.sym), wasm: b.wasm };
}

describe("soundness probe", () => {
  it("flags an output computed by a hint with no constraint, and a hint pinned only to {0, 1}", async () => {
    const c = await build("under", `
template Under() {
    signal input a;
    signal output next; // meant to be a + 1, but only assigned
    signal output y;
    next <-- a + 1;
    signal bit;         // meant to be the low bit of a; only its binarity is constrained
    bit <-- a & 1;
    bit * (bit - 1) === 0;
    y <== a * a;
}
component main = Under();`);
    const w = await calculateWitness(c.wasm, { a: 5n });
    const r = probeSoundness(c.r1cs, w, { sym: c.sym });
    const found = r.free.map((f) => describeFree(f));
    expect(found).toEqual([
      "wire 1 (main.next, output): 6 → 7 (or any value) keeps every constraint satisfied",
      expect.stringMatching(/^wire \d+ \(main\.bit, intermediate\): 1 → 0 keeps every constraint satisfied$/),
    ]);
    // y is pinned by y = a·a.
    expect(r.probed).toBe(3);
    // The values found are real: the plain checker accepts each changed witness.
    for (const f of r.free) expect(firstViolated(c.r1cs, w.map((x, j) => (j === f.wire ? f.alternative : x)))).toBe(-1);
  });

  it("passes the library's ReluRescaleClip; its IsZero inverse is free (benign) only when the operand is zero", async () => {
    const c = await build("clip", `
template Clip() {
    signal input a;
    signal output out;
    component c = ReluRescaleClip(10, 2, 3);
    c.in <== a;
    out <== c.out;
}
component main = Clip();`);
    // 3 → quotient 0, below 2^3: high is 0, inv free; 1000 → saturated: inv = 1/high, pinned.
    const low = await calculateWitness(c.wasm, { a: 3n });
    const lowReport = probeSoundness(c.r1cs, low, { sym: c.sym });
    expect(lowReport.free).toEqual([]);
    expect(lowReport.benign.map((f) => f.names)).toEqual([["main.c.inv"]]);
    const high = await calculateWitness(c.wasm, { a: 1000n });
    const highReport = probeSoundness(c.r1cs, high, { sym: c.sym });
    expect(highReport).toMatchObject({ free: [], benign: [] });
    expect(highReport.probed).toBeGreaterThan(10);
    // Without the benign rule the inverse is reported like any free wire.
    expect(probeSoundness(c.r1cs, low, { sym: c.sym, benign: () => false }).free.map((f) => f.names)).toEqual([["main.c.inv"]]);
  });

  it("refuses a circuit whose private input circom --O2 substituted away, instead of calling the input's freedom a bug", async () => {
    const c = await build("substituted", `
include "circomlib/circuits/bitify.circom";
template Substituted() {
    signal input a;  // private; y = a lets --O2 replace a by y everywhere
    signal output y;
    y <== a;
    component n = Num2Bits(8);
    n.in <== a + 128;
}
component main = Substituted();`);
    const w = await calculateWitness(c.wasm, { a: 5n });
    expect(c.sym.get("main.a")).toBe(-1);
    expect(() => probeSoundness(c.r1cs, w, { sym: c.sym })).toThrow(/wire 2 should be an input but is main\.n\.out\[0\]: circom --O2 substituted a private input away/);
  });

  it("the Jacobian rank finds hints whose wrong value dependent wires absorb, which one-wire probing misses", async () => {
    const c = await build("absorbed", `
template Absorbed() {
    signal input a;
    signal output q;       // meant to be a \\ 4, but the remainder is never range-checked:
    signal output scaled;  // (a - 4q)·a, so q and scaled can change together
    q <-- a \\ 4;
    scaled <== (a - 4 * q) * a;
    signal output isZero;  // IsZero without its a·isZero = 0: inv and isZero can change together
    signal inv;
    inv <-- a != 0 ? 1 / a : 0;
    isZero <== 1 - a * inv;
}
component main = Absorbed();`);
    const w = await calculateWitness(c.wasm, { a: 13n });
    expect(probeSoundness(c.r1cs, w, { sym: c.sym }).free).toEqual([]);
    const r = jacobianRank(c.r1cs, w, { sym: c.sym });
    // Elimination pivots on the lowest wire of each dependent pair and names the other.
    expect(r.dependent.map((d) => d.names.join(" = "))).toEqual(["main.scaled", "main.inv"]);
    expect(r.columns - r.rank).toBe(2);
    // The direction is a real attack: q = 4 (not 13 \\ 4 = 3) with scaled = (13 − 16)·13 satisfies every constraint.
    const [q, scaled] = [c.sym.get("main.q")!, c.sym.get("main.scaled")!];
    expect(firstViolated(c.r1cs, w.map((v, j) => (j === q ? 4n : j === scaled ? c.r1cs.prime - 39n : v)))).toBe(-1);
  });

  it("the library's ReluRescaleClip has full rank (its benign IsZero inverse left out)", async () => {
    const c = await build("clip-rank", `
template Clip() {
    signal input a;
    signal output out;
    component c = ReluRescaleClip(10, 2, 3);
    c.in <== a;
    out <== c.out;
}
component main = Clip();`);
    for (const a of [3n, 1000n, -77n]) {
      const w = await calculateWitness(c.wasm, { a });
      const exclude = new Set(probeSoundness(c.r1cs, w, { sym: c.sym }).benign.map((f) => f.wire));
      expect(jacobianRank(c.r1cs, w, { sym: c.sym, exclude }).dependent).toEqual([]);
    }
  });
});
