/**
 * The rewiring ops in a circuit: every case of rewire-cases.ts compiled into ONE circuit, then
 * onnxruntime == evaluator == witness (R1CS satisfied) on extreme and random int8 inputs. Each
 * rewiring node costs exactly 0 constraints and emits no circom line (so no new wire either).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import { REPO_ROOT } from "../circom.ts";
import { compileBatch, extremeInputs, randomInputs, type Batch } from "../compiler/testing.ts";
import type { CompiledCircuit } from "../compiler/compile.ts";
import { REWIRE_OPS, rewireCases } from "./rewire-cases.ts";

const graphs = rewireCases();
const sizes = graphs.map((g) => (g.inputs[0].dims as number[]).reduce((a, b) => a * b, 1));
const dir = path.join(REPO_ROOT, "build", "test-circuits", `rewire-${process.pid}`);
let batch: Batch;

beforeAll(async () => {
  batch = await compileBatch(graphs, dir);
}, 600_000);
afterAll(() => { if (!process.env.KEEP_TEST_TMP) rmSync(dir, { recursive: true, force: true }); });

const compiled = (k: number): CompiledCircuit => {
  const c = batch.results[k];
  if (c instanceof ProverError) throw new Error(`${graphs[k].name}: refused: ${c.message}`);
  return c;
};

describe("rewiring ops", () => {
  it("compile, each rewiring node at 0 constraints and without any circom line", () => {
    for (let k = 0; k < graphs.length; k++) {
      const c = compiled(k);
      const lines = c.source.split("\n").map((l) => l.trim());
      for (const node of graphs[k].nodes.filter((nd) => REWIRE_OPS.has(nd.opType))) {
        const cost = c.costs.find((x) => x.node === node.name);
        expect(cost?.constraints, `${graphs[k].name}: ${node.name}`).toBe(0);
        const at = lines.indexOf(`// node ${node.name} (${node.opType})`);
        expect(at, node.name).toBeGreaterThan(0);
        // the next line belongs to the next node or to the output: nothing was emitted for this one
        expect(lines[at + 1], `${graphs[k].name}: ${node.name}`).toMatch(/^(\/\/ node |out\[0\] <== )/);
      }
      if (graphs[k].nodes.every((nd) => REWIRE_OPS.has(nd.opType))) {
        // only the input's range check is left
        expect(c.estimatedConstraints, graphs[k].name).toBe(c.costs.find((x) => x.node === "input")!.constraints);
      }
    }
  });

  it("onnxruntime == evaluator == witness on extreme and random inputs", async () => {
    const rounds = [...extremeInputs(1).keys()].map((j) => sizes.map((s) => extremeInputs(s)[j].x));
    for (let seed = 1; seed <= 6; seed++) rounds.push(sizes.map((s, k) => randomInputs(s, 1, seed * 1000 + k)[0].x));
    for (const xs of rounds) {
      const runs = await batch.runAll(xs);
      runs.forEach((r, k) => {
        const what = `${graphs[k].name} on [${xs[k].slice(0, 8)}...]`;
        expect(r!.violated, what).toBe(-1);
        expect(r!.evaluator, what).toEqual(r!.ort);
        expect(r!.witness, what).toEqual(r!.ort);
      });
    }
  }, 300_000);

  it("no wire is free: a prover cannot move a rewired output while every constraint holds", async () => {
    // rewired outputs are the input's wires; the probe and the Jacobian rank look for any wire
    // (an output among them) that could take another value with the constraints still satisfied
    const xs = sizes.map((s, k) => randomInputs(s, 1, 77 + k)[0].x);
    const { single, rank } = await batch.probe(xs);
    expect(single.probed).toBeGreaterThan(0);
    expect(single.free.map((f) => f.names.join(" = "))).toEqual([]);
    expect(rank.dependent.map((d) => d.names.join(" = "))).toEqual([]);
  }, 300_000);
});
