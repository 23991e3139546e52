/**
 * Property: for random small integer graphs built from the supported ops (and ops or operands
 * the compiler must refuse), every graph the compiler accepts computes, on every input tried,
 * the same outputs in onnxruntime, in the integer evaluator and in the circuit witness, and the
 * witness satisfies every constraint; and soundness, not only completeness: at two witnesses
 * per batch, no output or intermediate wire can change, alone or with others (to first order:
 * the Jacobian's rank), while every constraint stays satisfied (prover/soundness-probe.ts,
 * soundness-rank.ts). A refusal is acceptable; a compiled graph that disagrees
 * is not. Graphs are compiled in batches into one circuit (one circom run per batch), and one
 * witness runs every graph of the batch on its own input.
 *
 * The seed is random per run and printed on failure; ZKINFER_PROPERTY_SEED=<n> replays a run.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import { REPO_ROOT } from "../circom.ts";
import { compileBatch } from "./testing.ts";
import { extremeInputs, randomInputs } from "./differential.ts";
import { buildGraph, recipeArb } from "./random-graphs.ts";
import { describeFree } from "../soundness-probe.ts";

const SEED = Number(process.env.ZKINFER_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const BATCHES = 4;
const GRAPHS_PER_BATCH = 60;
const RANDOM_INPUTS = 75;
/** Inputs (indices into extremes + random) whose witnesses are probed for free wires: two random ones, full and small amplitude. */
const PROBED_INPUTS = [5, 6];
/** Batches compiled with hashed weights: every multiply-accumulate a product of two signals. */
const HASHED_WEIGHTS_BATCHES = [BATCHES - 1];

const dir = path.join(REPO_ROOT, "build", "test-circuits", `random-graphs-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const same = (a: number[] | Error, b: number[] | Error) => !(a instanceof Error) && !(b instanceof Error) && a.length === b.length && a.every((v, i) => v === b[i]);
const show = (v: number[] | Error) => (v instanceof Error ? `error: ${v.message.split("\n")[0].slice(0, 200)}` : `[${v}]`);

describe(`random integer graphs (seed ${SEED})`, () => {
  for (let batch = 0; batch < BATCHES; batch++) {
    it(`batch ${batch}${HASHED_WEIGHTS_BATCHES.includes(batch) ? " (hashed weights)" : ""}: every compiled graph equals onnxruntime and the evaluator, its witness satisfies the constraints, and no wire of it is free`, async () => {
      const seed = (SEED + batch * 0x9e3779b) | 0; // batches of one run never overlap those of the next seed
      const recipes = fc.sample(recipeArb, { seed, numRuns: GRAPHS_PER_BATCH });
      const graphs = recipes.map((r, k) => buildGraph(r, `g${k}`));
      const b = await compileBatch(graphs, path.join(dir, `batch${batch}`), { weights: HASHED_WEIGHTS_BATCHES.includes(batch) ? "hashed" : "fixed" });
      const failures: string[] = [];
      const where = (k: number, input: string) =>
        `ZKINFER_PROPERTY_SEED=${SEED}, batch ${batch} (fast-check seed ${seed}), graph ${k}, input ${input}; recipe ${JSON.stringify(recipes[k])}; nodes ${graphs[k].nodes.map((n) => n.opType).join(" → ")}`;

      const compiled = b.results.flatMap((c, k) => (c instanceof ProverError ? [] : [k]));
      const sizes = b.results.map((c) => (c instanceof ProverError ? 0 : c.inputSize));
      const n = Math.max(1, ...sizes);
      const inputs = [...extremeInputs(n), ...randomInputs(n, RANDOM_INPUTS, seed)];
      const unrunnable = new Map<number, string>();
      let cases = 0;
      for (const inp of inputs) {
        const res = await b.runAll(sizes.map((s) => inp.x.slice(0, s)));
        for (const k of compiled) {
          const r = res[k]!;
          // onnxruntime cannot run it (the differential check at compile refuses it): never served.
          if (r.ort instanceof Error) { unrunnable.set(k, r.ort.message.split("\n")[0].slice(-120)); continue; }
          cases++;
          if (!same(r.evaluator, r.ort)) failures.push(`evaluator ${show(r.evaluator)} != onnxruntime ${show(r.ort)} at ${where(k, inp.name)}`);
          if (!same(r.witness, r.ort)) failures.push(`witness ${show(r.witness)} != onnxruntime ${show(r.ort)} at ${where(k, inp.name)}`);
          if (r.violated !== -1) failures.push(`witness violates constraint ${r.violated} at ${where(k, inp.name)}`);
        }
        if (failures.length) break;
      }
      let probeMs = 0, rankMs = 0, probed = 0, benign = 0;
      for (const j of failures.length ? [] : PROBED_INPUTS) {
        const inp = inputs[j];
        const { single, rank } = await b.probe(sizes.map((s) => inp.x.slice(0, s)));
        probeMs += single.ms;
        rankMs += rank.ms;
        probed += single.probed;
        benign += single.benign.length;
        // main.g<k>.… and main.y<k>[i] are graph k's signals
        const at = (name: string) => {
          const k = Number(/^main\.[gy](\d+)[.[]/.exec(name)?.[1] ?? -1);
          return k >= 0 ? where(k, inp.name) : `ZKINFER_PROPERTY_SEED=${SEED}, batch ${batch}, input ${inp.name}`;
        };
        for (const f of single.free) failures.push(`soundness: ${describeFree(f)} at ${at(f.names[0])}`);
        for (const d of rank.dependent) failures.push(`soundness: wire ${d.wire} (${d.names.join(" = ")}) can change with others while every constraint holds (Jacobian rank ${rank.rank} of ${rank.columns}) at ${at(d.names[0])}`);
      }
      const refused = b.results.filter((c) => c instanceof ProverError) as ProverError[];
      console.log(`seed ${SEED} batch ${batch}: ${compiled.length - unrunnable.size} graphs compiled and run (${cases} graph x input cases), ${unrunnable.size} compiled but not runnable by onnxruntime, ${refused.length} refused; soundness probe: ${probed} wires in ${probeMs} ms, ${benign} benign free, Jacobian rank in ${rankMs} ms`);
      for (const [k, m] of unrunnable) console.log(`  graph ${k} (${graphs[k].nodes.map((n) => n.opType).join(" → ")}): onnxruntime: ${m}`);
      expect(failures.slice(0, 5), failures.join("\n")).toEqual([]);
      // Refusals name the node: "node <name> (#<index>, <op>): ..." or the graph's input/output.
      for (const e of refused) expect(e.message).toMatch(/^(node \S+ \(#\d+, [\w.]+\)|input |output |graph )/);
      // Not vacuous: some of the random graphs compile and run (about a quarter on average).
      expect(compiled.length - unrunnable.size).toBeGreaterThanOrEqual(3);
    }, 240_000);
  }
});
