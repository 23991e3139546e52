/**
 * The run-time x run-time ops in circuits: small graphs where both operands of Mul, Max, Min
 * come from the input (two branches of a DAG, a value read by several nodes), ReduceMax in
 * both opset forms and ArgMax as the graph's output. onnxruntime == evaluator == witness on
 * extreme, tied and random int8 inputs; no wire free (probes); each altered product,
 * comparison bit or claimed index breaks a constraint; per-element costs as documented.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Graph, Node, Tensor, DType } from "../onnx/graph.ts";
import { ProverError } from "../errors.ts";
import { REPO_ROOT } from "../circom.ts";
import { firstViolated } from "../r1cs.ts";
import { fromField, toField } from "../field.ts";
import { compileBatch, extremeInputs, randomInputs, type Batch } from "./testing.ts";
import { Rng } from "../../models/lib/rng.ts";
import { compileToCircom, type CompiledCircuit } from "./compile.ts";
import { ensureCircuitBuild } from "./model.ts";
import { evaluateOutput } from "../evaluate-integer.ts";
import { calculateWitness } from "../witness.ts";
import { readR1cs } from "../r1cs.ts";
import { mkdirSync, writeFileSync } from "node:fs";

const rng = new Rng(10);
const i8 = (dims: number[], amp: number): Tensor => ({ dtype: "int8", dims, data: Int8Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.floor(rng.next() * (2 * amp + 1)) - amp) });
const i32 = (dims: number[], v: number[]): Tensor => ({ dtype: "int32", dims, data: Int32Array.from(v) });
const i64 = (v: number[]): Tensor => ({ dtype: "int64", dims: [v.length], data: BigInt64Array.from(v.map(BigInt)) });
const node = (name: string, opType: string, inputs: string[], attrs: Node["attrs"] = {}): Node => ({ name, opType, inputs, outputs: [name], attrs });

function graph(name: string, inDims: number[], out: [string, DType, number[]], nodes: Node[], inits: Record<string, Tensor>, opset = 17): Graph {
  return { name, opset, metadata: {}, nodes, initializers: new Map(Object.entries(inits)), inputs: [{ name: "x", dtype: "int8", dims: inDims }], outputs: [{ name: out[0], dtype: out[1], dims: out[2] }] };
}

// Logits with column 2 equal to column 0: they always tie, so the first index must win.
const W = i8([8, 4], 3);
for (let r = 0; r < 8; r++) W.data[r * 4 + 2] = W.data[r * 4];

const GRAPHS: Graph[] = [
  // a and b two branches of x; b also feeds ReduceMax; a feeds three nodes
  graph("mul", [1, 8], ["y", "int32", [1, 6]], [
    node("a", "MatMulInteger", ["x", "A"]), node("b", "MatMulInteger", ["x", "B"]),
    node("p", "Mul", ["a", "b"]), node("rb", "ReduceMax", ["b"], { axes: [1], keepdims: 1 }),
    node("q", "Mul", ["a", "rb"]), node("s", "Mul", ["a", "four"]),
    node("d", "Sub", ["p", "q"]), node("y", "Add", ["d", "s"]),
  ], { A: i8([8, 6], 3), B: i8([8, 6], 3), four: i32([], [4]) }),
  graph("maxmin", [1, 8], ["y", "int32", [2, 4]], [
    node("x2", "Reshape", ["x", "shape"]), node("rm", "ReduceMax", ["x2"], { axes: [0], keepdims: 0 }),
    node("mx", "Max", ["x2", "rm"]), node("c", "Cast", ["x2"], { to: 6 }), node("n", "Neg", ["c"]),
    node("ab", "Max", ["c", "n"]), node("mn", "Min", ["c", "n", "five"]), node("d", "Sub", ["ab", "mn"]),
    node("mxc", "Cast", ["mx"], { to: 6 }), node("y", "Add", ["d", "mxc"]),
  ], { shape: i64([2, 4]), five: i32([1], [5]) }),
  graph("reducemax18", [1, 2, 2, 3], ["y", "int8", [1, 2, 1, 1]], [node("y", "ReduceMax", ["x", "axes"])], { axes: i64([2, 3]) }, 18),
  graph("argmax-logits", [1, 8], ["y", "int64", [1]], [node("l", "MatMulInteger", ["x", "W"]), node("y", "ArgMax", ["l"], { axis: 1, keepdims: 0 })], { W }),
  graph("argmax-last", [1, 8], ["y", "int64", [2, 1]], [node("x2", "Reshape", ["x", "shape"]), node("y", "ArgMax", ["x2"], { axis: 1, select_last_index: 1 })], { shape: i64([2, 4]) }),
  graph("argmax-axis0", [1, 8], ["y", "int64", [4]], [node("x2", "Reshape", ["x", "shape"]), node("y", "ArgMax", ["x2"], { axis: 0, keepdims: 0 })], { shape: i64([2, 4]) }),
  // refused: an int8 product wraps in onnxruntime; an int32 one of wide operands too
  graph("mul-int8", [1, 8], ["y", "int8", [1, 8]], [node("y", "Mul", ["x", "x"])], {}),
  graph("mul-wide", [1, 8], ["y", "int32", [1, 6]], [node("a", "MatMulInteger", ["x", "A"]), node("y", "Mul", ["a", "a"])], { A: i8([8, 6], 127) }),
];
const [MUL, MAXMIN, RMAX, ARG_LOGITS, ARG_LAST, ARG_AXIS0] = [0, 1, 2, 3, 4, 5];
const N = 12;

/** Inputs with ties in every group: equal values, and a repeated maximum at positions 1 and 3. */
const TIES = [
  { name: "all 5", x: new Array(N).fill(5) },
  { name: "max 9 at 1, 3, 5, 7", x: Array.from({ length: N }, (_, i) => (i % 2 ? 9 : -3)) },
  { name: "max 127 twice per row", x: [0, 127, -128, 127, 127, 0, 127, -5, 1, 1, 1, 1] },
];

let b: Batch;
const dir = path.join(REPO_ROOT, "build", "test-circuits", `runtime-ops-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => { b = await compileBatch(GRAPHS, dir); }, 240_000);

const compiled = (k: number) => b.results[k] as CompiledCircuit;
const xsFor = (x: number[]) => b.results.map((c) => (c instanceof ProverError ? [] : x.slice(0, c.inputSize)));

describe("run-time x run-time ops in circuits", () => {
  it("refuses products that onnxruntime would wrap, naming the node", () => {
    expect(String(b.results[6])).toMatch(/node y \(#0, Mul\): the product of element 0 may reach \[-16256, 16384\], beyond int8; onnxruntime would wrap/);
    expect(String(b.results[7])).toMatch(/node y \(#1, Mul\): the product of element 0 may reach .* beyond int32/);
    for (const k of [MUL, MAXMIN, RMAX, ARG_LOGITS, ARG_LAST, ARG_AXIS0]) expect(b.results[k]).not.toBeInstanceOf(ProverError);
    // -(-128) is -128 in int8: a Neg of a value that may be -128 is refused
    const neg = graph("neg-int8", [1, 8], ["y", "int8", [1, 8]], [node("y", "Neg", ["x"])], {});
    expect(() => compileToCircom(neg, { templateName: "Neg8" })).toThrow(/node y \(#0, Neg\): values may reach \[-127, 128\], beyond int8; onnxruntime would wrap/);
  });

  it("onnxruntime == evaluator == witness on extreme, tied and random inputs; the witness satisfies every constraint", async () => {
    const inputs = [...extremeInputs(N), ...TIES, ...randomInputs(N, 40, 77)];
    for (const inp of inputs) {
      const res = await b.runAll(xsFor(inp.x));
      for (const k of [MUL, MAXMIN, RMAX, ARG_LOGITS, ARG_LAST, ARG_AXIS0]) {
        const r = res[k]!, where = `${GRAPHS[k].name} on ${inp.name}`;
        expect(r.ort, where).not.toBeInstanceOf(Error);
        expect(r.evaluator, where).toEqual(r.ort);
        expect(r.witness, where).toEqual(r.ort);
        expect(r.violated, where).toBe(-1);
      }
    }
    // the tie-breaking is exercised: first index on the always-tied logits, last and first on rows
    expect((await b.run(ARG_LOGITS, new Array(8).fill(0))).witness).toEqual([0]);
    expect((await b.run(ARG_LAST, TIES[0].x.slice(0, 8))).witness).toEqual([3, 3]);
    expect((await b.run(ARG_AXIS0, TIES[0].x.slice(0, 8))).witness).toEqual([0, 0, 0, 0]);
  }, 120_000);

  it("no wire is free at a tied and at a random input (single-wire probe and Jacobian rank)", async () => {
    for (const x of [TIES[1].x, randomInputs(N, 1, 5)[0].x]) {
      const { single, rank } = await b.probe(xsFor(x));
      expect(single.probed).toBeGreaterThan(100);
      expect(single.free).toEqual([]);
      expect(rank.dependent).toEqual([]);
    }
  }, 120_000);

  it("rejects every altered product, maximum and comparison bit, at a tie and at a random input", async () => {
    for (const x of [TIES[2].x, randomInputs(N, 1, 9)[0].x]) {
      const { r1cs, sym, w } = await b.inspect(xsFor(x));
      const live = (re: RegExp) => [...sym.keys()].filter((k) => re.test(k) && sym.get(k)! >= 0);
      const values = live(/^main\.g\d+\.(t\d+|[rm]\d+\.out)$/), bits = live(/^main\.g\d+\.[rm]\d+\.d\.bits\[\d+\]$/);
      const outs = live(/^main\.y\d+\[\d+\]$/);
      // every graph's comparisons are there (--O2 substitutes some products away; their constraints stay)
      for (const k of [MUL, MAXMIN, RMAX, ARG_LOGITS, ARG_LAST, ARG_AXIS0]) expect(bits.some((s) => s.startsWith(`main.g${k}.`)), GRAPHS[k].name).toBe(true);
      expect(values.filter((s) => /\.t\d+$/.test(s)).length).toBeGreaterThan(0);
      for (const name of [...values, ...outs]) {
        const bad = [...w];
        bad[sym.get(name)!] = toField(fromField(bad[sym.get(name)!]) + 1n);
        expect(firstViolated(r1cs, bad), name).toBeGreaterThanOrEqual(0);
      }
      for (const name of bits) {
        const bad = [...w];
        bad[sym.get(name)!] = 1n - bad[sym.get(name)!];
        expect(firstViolated(r1cs, bad), name).toBeGreaterThanOrEqual(0);
      }
    }
  }, 120_000);

  it("rejects an ArgMax claiming another maximal index than the rule's, or a non-maximal one", async () => {
    const claims = async (k: number, x: number[], right: number[], wrong: number[][]) => {
      const { r1cs, sym, w } = await b.inspect(xsFor(x));
      expect(right.map((_, i) => Number(fromField(w[sym.get(`main.y${k}[${i}]`)!])))).toEqual(right);
      expect(firstViolated(r1cs, w)).toBe(-1);
      for (const claim of wrong) {
        const bad = [...w];
        claim.forEach((v, i) => { bad[sym.get(`main.y${k}[${i}]`)!] = toField(BigInt(v)); });
        expect(firstViolated(r1cs, bad), `${GRAPHS[k].name} claiming [${claim}]`).toBeGreaterThanOrEqual(0);
      }
    };
    // all logits 0: every index is maximal, the first (0) is the answer
    await claims(ARG_LOGITS, new Array(N).fill(0), [0], [[1], [2], [3]]);
    // rows [-3, 9, -3, 9]: last maximal index 3; 1 is maximal but not last, 0 and 2 are not maximal
    await claims(ARG_LAST, TIES[1].x, [3, 3], [[1, 3], [3, 1], [0, 3], [3, 2]]);
    // columns (-3, -3), (9, 9): ties between the rows, the first (0) wins; 1 is the other maximal row
    await claims(ARG_AXIS0, TIES[1].x, [0, 0, 0, 0], [[1, 0, 0, 0], [0, 0, 0, 1]]);
    // rows [0, 127, -128, 127] and [127, 0, 127, -5]: 1 over 3 (tie, last wins: 3) and 2 over 0
    await claims(ARG_LAST, TIES[2].x, [3, 2], [[1, 2], [3, 0], [2, 2], [3, 1]]);
  }, 120_000);

  it("no assignment of a comparison's bits lets an ArgMax claim the other row, tied or smaller (exhaustive)", async () => {
    // ArgMax over axis 0 of [2, 4]: one comparison per column. The forged witness claims row 1
    // for column 0 and tries every boolean value of that comparison's bits.
    for (const [x, why] of [[TIES[1].x, "tied column (-3, -3)"], [[7, 0, 0, 0, -7, 0, 0, 0, 0, 0, 0, 0], "column (7, -7)"]] as const) {
      const { r1cs, sym, w } = await b.inspect(xsFor([...x]));
      expect(Number(fromField(w[sym.get(`main.y${ARG_AXIS0}[0]`)!]))).toBe(0);
      const comps = [...new Set([...sym.keys()].map((k) => new RegExp(`^main\\.g${ARG_AXIS0}\\.(r\\d+)\\.`).exec(k)?.[1]).filter((c): c is string => !!c))]
        .sort((a, c) => Number(a.slice(1)) - Number(c.slice(1)));
      const r = comps[0];
      const bits = [...sym.keys()].filter((k) => k.startsWith(`main.g${ARG_AXIS0}.${r}.d.bits[`) && sym.get(k)! >= 0).map((k) => sym.get(k)!);
      expect(bits.length).toBeGreaterThanOrEqual(9);
      const forged = [...w];
      forged[sym.get(`main.y${ARG_AXIS0}[0]`)!] = 1n;
      const out = sym.get(`main.g${ARG_AXIS0}.${r}.out`) ?? -1;
      if (out >= 0) forged[out] = 0n; // the bit "row 0 >= row 1" denied
      for (let pattern = 0; pattern < 1 << bits.length; pattern++) {
        bits.forEach((wire, i) => { forged[wire] = BigInt((pattern >> i) & 1); });
        if (firstViolated(r1cs, forged) === -1) throw new Error(`${why}: bits ${pattern.toString(2)} forge the claim of row 1`);
      }
    }
  }, 120_000);

  it("costs: Mul one constraint per run-time product, none by a constant; Max/Min B + 2 per pair; ArgMax (n - 1)(B + 5) - 2 per group; the estimates are the circuit's", async () => {
    const cost = (k: number, nodeName: string) => compiled(k).costs.find((c) => c.node === nodeName)!.constraints;
    expect([cost(MUL, "p"), cost(MUL, "q"), cost(MUL, "s"), cost(MUL, "d"), cost(MUL, "y")]).toEqual([6, 6, 0, 0, 0]);
    // int8 values (and their int32 casts): differences within [-256, 256), B = 8
    expect([cost(MAXMIN, "rm"), cost(MAXMIN, "mx"), cost(MAXMIN, "n"), cost(MAXMIN, "ab"), cost(MAXMIN, "mn"), cost(MAXMIN, "d")]).toEqual([4 * 10, 8 * 10, 0, 8 * 10, 8 * 2 * 10, 0]);
    expect(cost(RMAX, "y")).toBe(2 * 5 * 10);
    expect(cost(ARG_LAST, "y")).toBe(2 * (3 * 13 - 2));
    expect(cost(ARG_AXIS0, "y")).toBe(4 * (1 * 13 - 2));
    const { r1cs } = await b.inspect(xsFor(new Array(N).fill(0)));
    const estimated = b.results.reduce((a, c) => a + (c instanceof ProverError ? 0 : c.estimatedConstraints), 0);
    expect(r1cs.nConstraints).toBe(estimated);
    for (const k of [MUL, MAXMIN, RMAX, ARG_LOGITS, ARG_LAST, ARG_AXIS0]) {
      console.log(`${GRAPHS[k].name}: ${compiled(k).costs.filter((c) => c.constraints).map((c) => `${c.node} (${c.opType}) ${c.constraints}`).join(", ")}`);
    }
  });

  it("split into sub-templates (as large models are), the ops keep their constraints and outputs", async () => {
    for (const k of [MUL, MAXMIN, ARG_LAST]) {
      const g = GRAPHS[k];
      const split = compileToCircom(g, { templateName: `Split${k}`, visibility: { input: "public" }, blockLines: 6 });
      expect(split.source).toContain(`template Split${k}Block2()`);
      const file = path.join(dir, `split${k}.circom`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(file, split.source);
      const built = await ensureCircuitBuild(file, path.join(dir, `out-split${k}`));
      const r1cs = readR1cs(built.r1cs);
      expect(r1cs.nConstraints).toBe(compiled(k).estimatedConstraints);
      for (const inp of [...TIES, ...randomInputs(N, 5, k)]) {
        const x = inp.x.slice(0, compiled(k).inputSize);
        const w = await calculateWitness(built.wasm, { x: x.map(BigInt) });
        const want = evaluateOutput(g, { x: { dtype: "int8", dims: g.inputs[0].dims as number[], data: x } }).data;
        expect(w.slice(1, 1 + want.length).map((v) => Number(fromField(v))), `${g.name} on ${inp.name}`).toEqual(want);
        expect(firstViolated(r1cs, w)).toBe(-1);
      }
    }
  }, 120_000);
});
