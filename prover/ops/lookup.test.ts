/**
 * A nonlinearity as a Gather in a constant table: onnxruntime, the integer evaluator and the
 * circuit witness agree on every table entry and on random inputs; the lookup's constraints
 * are counted exactly; no wrong hint (a bit, a monomial, a selection product, the output, or
 * the whole lookup of the next entry) satisfies them; and what is not a constant-table lookup
 * is refused with the node and index named.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import { REPO_ROOT } from "../circom.ts";
import { compileBatch, extremeInputs, randomInputs, type Batch } from "../compiler/testing.ts";
import { compileToCircom, type CompiledCircuit } from "../compiler/compile.ts";
import { ensureCircuitBuild } from "../compiler/model.ts";
import { evaluateOutput } from "../evaluate-integer.ts";
import { calculateWitness } from "../witness.ts";
import { firstViolated, readR1cs } from "../r1cs.ts";
import { fromField, toField } from "../field.ts";
import { Rng } from "../../models/lib/rng.ts";
import { N, requantIndex, table256, tableGraph, tensor } from "./lookup-graphs.ts";

const rng = new Rng(10);
const ints = (n: number, lo: number, hi: number) => Array.from({ length: n }, () => lo + Math.floor(rng.next() * (hi - lo + 1)));
const I32_MIN = -(2 ** 31), I32_MAX = 2 ** 31 - 1;
const dense = () => ({ w: ints(N * N, -20, 20), b: ints(N, -500, 500) });
const castIdx = (to: string) => [{ name: "cast", opType: "Cast", inputs: ["x"], outputs: [to], attrs: { to: 6 } }];

const sigmoid = tensor("uint8", [256], table256((v) => Math.round(255 / (1 + Math.exp(-v / 16)))));
const tanh = tensor("int8", [256], table256((v) => Math.round(127 * Math.tanh(v / 32))));
const d1 = dense(), d2 = dense(), d3 = dense();
const GRAPHS = [
  tableGraph("sigmoid", sigmoid),
  tableGraph("tanh", tanh),
  tableGraph("identity", tensor("int8", [256], table256((v) => v))),
  tableGraph("random", tensor("int32", [256], ints(256, -(10 ** 6), 10 ** 6))),
  tableGraph("extremes8", tensor("int8", [256], table256((v) => [127, -128, -127][(v + 128) % 3]))),
  tableGraph("extremes32", tensor("int32", [256], ints(256, 0, 3).map((j) => [I32_MIN, I32_MAX, 0, -1][j]))),
  tableGraph("sign", tensor("int8", [256], table256((v) => Math.sign(v)))),
  tableGraph("after-requant", sigmoid, requantIndex(d1.w, d1.b, 64, 127, 3)),
  tableGraph("uint8-index", tanh, requantIndex(d2.w, d2.b, 32, 255, 2)),
  tableGraph("table16", tensor("int32", [16], ints(16, -999, 999)), requantIndex(d3.w, d3.b, 512, 15, 3)),
  tableGraph("table512", tensor("int32", [512], ints(512, -99, 99))),
  tableGraph("constant", tensor("int8", [256], new Array(256).fill(5))),
  // refused
  tableGraph("runtime-table", sigmoid, { data: "idx" }),
  tableGraph("index-beyond-table", tensor("int32", [16], ints(16, -9, 9))),
  tableGraph("index-span-over-256", tensor("int32", [512], ints(512, -9, 9)), {
    index: [...castIdx("i0"), { name: "twice", opType: "Add", inputs: ["i0", "i0"], outputs: ["idx"], attrs: {} }],
  }),
  tableGraph("table-2d", tensor("int8", [2, 128], ints(256, -9, 9))),
  tableGraph("axis-1", sigmoid, { axis: 1 }),
];
const ACCEPTED = 12;
const REFUSALS: [string, RegExp][] = [
  ["runtime-table", /node lookup \(#1, Gather\): input 1 \(indices\) and input 0 \(data\) both depend on the model input; one of them must be a constant/],
  ["index-beyond-table", /node lookup \(#1, Gather\): index 0 may range over \[-128, 127\], outside the table's \[-16, 15\]/],
  ["index-span-over-256", /node lookup \(#2, Gather\): index 0 ranges over \[-256, 254\], more than the 256 values/],
  ["table-2d", /node lookup \(#1, Gather\): a lookup table must be 1-D, data \(T\) has dims \[2,128\]/],
  ["axis-1", /node lookup \(#1, Gather\): a lookup table is gathered along axis 0, not axis 1/],
];

let batch: Batch;
const dir = path.join(REPO_ROOT, "build", "test-circuits", `lookup-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => {
  batch = await compileBatch(GRAPHS, dir);
}, 240_000);

const compiled = (k: number) => batch.results[k] as CompiledCircuit;
const gatherCost = (k: number) => compiled(k).costs.find((c) => c.opType === "Gather")!.constraints;

async function agree(xs: number[][], label: string): Promise<void> {
  const res = await batch.runAll(xs);
  for (let k = 0; k < ACCEPTED; k++) {
    const r = res[k]!, where = `${GRAPHS[k].name} on ${label}: x = [${xs[k]}]`;
    expect(r.ort, where).toEqual(r.evaluator);
    expect(r.witness, where).toEqual(r.ort);
    expect(r.violated, where).toBe(-1);
  }
}

describe("Gather in a constant table (lookup)", () => {
  it("compiles every constant-table lookup and refuses the others, naming node and index", () => {
    for (let k = 0; k < ACCEPTED; k++) expect(batch.results[k], GRAPHS[k].name).not.toBeInstanceOf(ProverError);
    for (const [name, msg] of REFUSALS) {
      const r = batch.results[GRAPHS.findIndex((g) => g.name === name)];
      expect(r, name).toBeInstanceOf(ProverError);
      expect((r as ProverError).message).toMatch(msg);
    }
  });

  it("agrees with onnxruntime and the evaluator on every entry of the table (negative indices count from the end)", async () => {
    for (let r = 0; r < 256 / N; r++) {
      const x = Array.from({ length: N }, (_, i) => -128 + r * N + i);
      await agree(GRAPHS.map(() => x), `entries ${r * N}..${r * N + N - 1}`);
    }
  }, 120_000);

  it("agrees with onnxruntime and the evaluator on extreme and random inputs", async () => {
    for (const inp of [...extremeInputs(N), ...randomInputs(N, 40, 10)]) await agree(GRAPHS.map(() => inp.x), inp.name);
  }, 120_000);

  it("costs what the manifest estimates, 34 constraints a generic 256-entry lookup", () => {
    const { r1cs } = batch.circuit();
    const total = batch.results.reduce((a, c) => a + (c instanceof ProverError ? 0 : c.estimatedConstraints), 0);
    // The identity table's outputs equal its (public) inputs, the constant table's are constants:
    // out[i] = x[i] and out[i] = 5 are constraints of public signals alone, which --O2 cannot
    // substitute away; they are the outputs', not the lookups'.
    expect(r1cs.nConstraints).toBe(total + 2 * N);
    expect(gatherCost(11), "a constant table is a constant").toBe(0);
    for (const k of [0, 1, 3, 4, 5, 10]) expect(gatherCost(k) / N, GRAPHS[k].name).toBe(34);
    expect(gatherCost(2) / N, "identity: the 8 bits only").toBe(8);
    expect(gatherCost(7) / N, "indices 0..127").toBe(25);
    expect(gatherCost(9) / N, "indices 0..15").toBe(8);
    const requant = compiled(7).costs.find((c) => c.opType === "zkinfer.Requant")!.constraints / N;
    console.log(`per element: ReLU+rescale+clip ${requant}, lookup of its int8 output ${gatherCost(7) / N}, 256-entry lookup ${gatherCost(0) / N}`);
  });
});

describe("lookups in a circuit split into sub-templates", () => {
  it("have the same constraints and outputs", async () => {
    const g = GRAPHS[7];
    const c = compileToCircom(g, { templateName: "LutSplit", visibility: { input: "public" }, blockLines: 40 });
    expect(c.source).toContain("template LutSplitBlock1()");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "split.circom"), c.source);
    const b = await ensureCircuitBuild(path.join(dir, "split.circom"), path.join(dir, "out-split"));
    const r1cs = readR1cs(b.r1cs);
    expect(r1cs.nConstraints).toBe(c.estimatedConstraints);
    for (const inp of randomInputs(N, 6, 3)) {
      const w = await calculateWitness(b.wasm, inp.x);
      expect(w.slice(1, 1 + N).map((v) => Number(fromField(v)))).toEqual(evaluateOutput(g, { x: { dtype: "int8", dims: [1, N], data: inp.x } }).data);
      expect(firstViolated(r1cs, w)).toBe(-1);
    }
  }, 120_000);
});

describe("lookup soundness", () => {
  /** The lookups of graph k, in element order: their signal prefixes main.g<k>.l<n>. */
  const lookups = (sym: Map<string, number>, k: number) =>
    [...new Set([...sym.keys()].map((s) => new RegExp(`^main\\.g${k}\\.(l\\d+)\\.`).exec(s)?.[1]).filter((s): s is string => !!s))]
      .sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)));
  const xs = () => GRAPHS.map(() => Array.from({ length: N }, (_, i) => -8 + i));

  it("rejects any wrong bit, monomial, selection product or output of a lookup", async () => {
    const { r1cs, sym, witness } = batch.circuit();
    const w = await witness(xs());
    let tried = 0;
    for (const k of [0, 3, 7]) {
      const prefix = `main.g${k}.${lookups(sym, k)[5]}.`;
      for (const [name, idx] of sym) {
        if (!name.startsWith(prefix) || idx < 0 || !/\.(bits|mono|t)\[\d+\]$|\.out$/.test(name)) continue;
        if (name.endsWith("mono[0]")) continue; // the constant 1, substituted away
        const bad = [...w];
        bad[idx] = /bits/.test(name) ? 1n - w[idx] : toField(fromField(w[idx]) + 1n);
        expect(firstViolated(r1cs, bad), name).toBeGreaterThanOrEqual(0);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(30);
  });

  it("rejects a lookup that claims the next entry: all of its signals copied from the lookup of index + 1", async () => {
    const { r1cs, sym, witness } = batch.circuit();
    const w = await witness(xs());
    for (const k of [0, 1, 3]) {
      const ls = lookups(sym, k);
      for (let j = 0; j + 1 < N; j += 3) {
        const bad = [...w];
        let copied = 0;
        for (const [name, idx] of sym) {
          if (idx < 0 || !name.startsWith(`main.g${k}.${ls[j]}.`) || name.endsWith(".in")) continue;
          const from = sym.get(name.replace(`.${ls[j]}.`, `.${ls[j + 1]}.`))!;
          bad[idx] = w[from];
          copied++;
        }
        const y = sym.get(`main.y${k}[${j}]`)!;
        bad[y] = w[sym.get(`main.y${k}[${j + 1}]`)!];
        expect(copied, GRAPHS[k].name).toBeGreaterThan(10);
        expect(firstViolated(r1cs, bad), `${GRAPHS[k].name} element ${j}`).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("leaves no wire free, alone or with others (soundness probe and Jacobian rank)", async () => {
    const { single, rank } = await batch.probe(xs());
    expect(single.free.map((f) => f.names.join(" = "))).toEqual([]);
    expect(rank.dependent.map((d) => d.names.join(" = "))).toEqual([]);
  }, 120_000);
});
