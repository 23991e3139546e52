/**
 * TableLookup(J, K, T) of circuits/lib/zkinfer.circom against its TypeScript side: for tables of
 * every shape the selection can fold (random, identity, constant, repeated rows, a step,
 * sparse) and every split J + K of 1 to 8 bits, the template returns T[in], and the compiler's
 * cost model (lookupCost) counts exactly the constraints circom --O2 keeps.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../../prover/circom.ts";
import { ensureCircuitBuild } from "../../prover/compiler/model.ts";
import { lookupCost, planLookup } from "../../prover/lowering/table-lookup.ts";
import { calculateWitness } from "../../prover/witness.ts";
import { firstViolated, readR1cs, type R1cs } from "../../prover/r1cs.ts";
import { fromField } from "../../prover/field.ts";
import { Rng } from "../../models/lib/rng.ts";

const rng = new Rng(11);
const rand = (lo: number, hi: number) => lo + Math.floor(rng.next() * (hi - lo + 1));
const KINDS: Record<string, (u: number, size: number) => number> = {
  random: () => rand(-(2 ** 31), 2 ** 31 - 1),
  identity: (u) => u - 7,
  constant: () => 42,
  "repeated rows": (u) => (u % 4) * 1000 - 3,
  step: (u, size) => (u < size / 2 ? -1 : 1),
  sparse: () => (rng.next() < 0.1 ? rand(-99, 99) : 0),
};

interface Case { J: number; K: number; kind: string; T: bigint[] }
const CASES: Case[] = [];
for (const n of [1, 2, 4, 7, 8]) {
  for (let J = 0; J < n; J++) {
    for (const [kind, f] of Object.entries(KINDS)) {
      const size = 1 << n;
      CASES.push({ J, K: n - J, kind, T: Array.from({ length: size }, (_, u) => BigInt(f(u, size))) });
    }
  }
}

let wasm: string, r1cs: R1cs;
const dir = path.join(REPO_ROOT, "build", "test-circuits", `table-lookup-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  const lines = ["pragma circom 2.1.0;", 'include "zkinfer.circom";', "template Lookups() {", `    signal input in[${CASES.length}];`, `    signal output out[${CASES.length}];`];
  CASES.forEach((c, i) => {
    lines.push(`    var T${i}[${c.T.length}] = [${c.T.join(", ")}];`, `    component c${i} = TableLookup(${c.J}, ${c.K}, T${i});`);
    lines.push(`    c${i}.in <== in[${i}];`, `    out[${i}] <== c${i}.out;`);
  });
  lines.push("}", "component main = Lookups();", "");
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "lookups.circom"), lines.join("\n"));
  const b = await ensureCircuitBuild(path.join(dir, "lookups.circom"), path.join(dir, "out"));
  wasm = b.wasm;
  r1cs = readR1cs(b.r1cs);
}, 240_000);

describe("TableLookup", () => {
  it("returns T[in] for every split and every kind of table", async () => {
    for (let round = 0; round < 8; round++) {
      const us = CASES.map((c) => (round < 2 ? round * (c.T.length - 1) : rand(0, c.T.length - 1)));
      const w = await calculateWitness(wasm, { in: us.map(BigInt) });
      CASES.forEach((c, i) => expect(fromField(w[1 + i]), `${c.kind}, J=${c.J}, K=${c.K}, in=${us[i]}`).toBe(c.T[us[i]]));
      expect(firstViolated(r1cs, w)).toBe(-1);
    }
  });

  it("has no witness for an index outside the table (the bits range-check it)", async () => {
    const us = CASES.map(() => 0n);
    const last = CASES.length - 1; // 8 bits
    await expect(calculateWitness(wasm, { in: us.map((u, i) => (i === last ? 256n : u)) })).rejects.toThrow();
    await expect(calculateWitness(wasm, { in: us.map((u, i) => (i === last ? -1n : u)) })).rejects.toThrow();
  });

  it("costs exactly what the compiler's cost model says, folded products included", () => {
    const model = CASES.reduce((a, c) => a + lookupCost(c.T, c.J, c.K), 0);
    // A constant table's output is a constant public output: out = c is a constraint of the
    // output alone (--O2 keeps it, no private signal to substitute); the compiler never emits
    // such a lookup (a constant table is a constant).
    const constantOutputs = CASES.filter((c) => c.T.every((v) => v === c.T[0])).length;
    expect(constantOutputs).toBeGreaterThan(20);
    expect(r1cs.nConstraints).toBe(model + constantOutputs);
    // generic 256 entries: 8 bits + 11 monomials + 15 selection products at the best split
    expect(planLookup(CASES.find((c) => c.kind === "random" && c.J + c.K === 8)!.T)).toEqual({ J: 4, K: 4, cost: 34 });
    expect(planLookup(CASES.find((c) => c.kind === "random" && c.J + c.K === 7)!.T)).toEqual({ J: 4, K: 3, cost: 25 });
  });
});
