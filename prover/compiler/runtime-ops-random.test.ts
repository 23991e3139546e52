/**
 * Property: random small DAGs in which run-time values meet (two MatMulInteger branches of the
 * input, the input itself, broadcast shapes) through Mul, Max, Min, Add, Sub, then maybe Neg,
 * ReduceMax, ArgMax or a constant Mul. Every graph the compiler accepts computes the same as
 * onnxruntime and the evaluator on extreme and random inputs, with no free wire; a refusal is
 * only the overflow one (a product onnxruntime would wrap). One circom run for the batch.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { DType, Graph, Node, Tensor } from "../onnx/graph.ts";
import { ProverError } from "../errors.ts";
import { REPO_ROOT } from "../circom.ts";
import { compileBatch, extremeInputs, randomInputs } from "./testing.ts";

const SEED = Number(process.env.ZKINFER_PROPERTY_SEED ?? Math.floor(Math.random() * 2 ** 31));
const GRAPHS = 40;
const dir = path.join(REPO_ROOT, "build", "test-circuits", `runtime-random-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const recipe = fc.array(fc.nat(999), { minLength: 12, maxLength: 12 });
interface Val { name: string; dtype: DType; dims: number[] }

function build(p: number[], k: number): Graph {
  const inits = new Map<string, Tensor>(), nodes: Node[] = [];
  let n = 0;
  const K = 2 + (p[0] % 5);
  const x: Val = { name: "x", dtype: "int8", dims: [1, K] };
  const vals = (c: number, lo: number, hi: number) => Array.from({ length: c }, (_, i) => lo + ((p[(i + 3) % 12] * 7919 + i * 104729) % (hi - lo + 1)));
  const op = (opType: string, inputs: string[], dtype: DType, dims: number[], attrs: Node["attrs"] = {}): Val => {
    const name = `${opType.toLowerCase()}${n++}`;
    nodes.push({ name, opType, inputs, outputs: [name], attrs });
    return { name, dtype, dims };
  };
  const init = (dtype: DType, dims: number[], data: number[]) => {
    const name = `c${n++}`;
    const size = dims.reduce((a, b) => a * b, 1);
    inits.set(name, { dtype, dims, data: dtype === "int8" ? Int8Array.from(data.slice(0, size)) : dtype === "int64" ? BigInt64Array.from(data.slice(0, size), BigInt) : Int32Array.from(data.slice(0, size)) });
    return name;
  };
  const amp = p[1] % 7 === 0 ? 127 : 3; // now and then wide weights, whose products overflow
  const N = 1 + (p[2] % 4);
  let a: Val, b: Val;
  if (p[3] % 3 === 0) {
    // int8: the input and a reduction of it (broadcast back)
    a = x;
    b = op("ReduceMax", [x.name], "int8", [1, 1], { axes: [1], keepdims: 1 });
  } else {
    a = op("MatMulInteger", [x.name, init("int8", [K, N], vals(K * N, -amp, amp))], "int32", [1, N]);
    const M = p[4] % 3 === 0 ? 1 : N; // a [1, 1] branch broadcasts
    b = op("MatMulInteger", [x.name, init("int8", [K, M], vals(K * M, -amp, amp).reverse())], "int32", [1, M]);
  }
  const dims = [1, Math.max(a.dims[1], b.dims[1])];
  const meet = ["Mul", "Max", "Min", "Add", "Sub", "Max3", "Min3"][p[5] % 7];
  let y: Val = meet.endsWith("3")
    ? op(meet.slice(0, 3), [a.name, b.name, a.name], a.dtype, dims)
    : op(meet, [a.name, b.name], a.dtype, dims);
  const tail = p[6] % 6;
  if (tail === 1 && y.dtype !== "int8") y = op("Neg", [y.name], y.dtype, dims);
  if (tail === 2) y = op("ReduceMax", [y.name], y.dtype, p[7] % 2 ? [1, 1] : [1], { axes: [-1], keepdims: p[7] % 2 });
  if (tail === 3) y = op("ArgMax", [y.name], "int64", p[7] % 2 ? [1, 1] : [1], { axis: 1, keepdims: p[7] % 2, select_last_index: p[8] % 2 });
  if (tail === 4 && y.dtype === "int32") y = op("Mul", [y.name, init("int32", [], [p[9] % 2 ? 4 : -3])], "int32", dims);
  return { name: `r${k}`, opset: 17, metadata: {}, nodes, initializers: inits, inputs: [{ name: "x", dtype: "int8", dims: x.dims }], outputs: [{ name: y.name, dtype: y.dtype, dims: y.dims }] };
}

describe(`random DAGs of run-time ops (seed ${SEED})`, () => {
  for (const weights of ["fixed", "hashed"] as const) it(`${weights} weights: every compiled graph equals onnxruntime and the evaluator, satisfies its constraints, and has no free wire`, async () => {
    // hashed: the weights are private inputs bounded by int8 only, so more products overflow
    const recipes = fc.sample(recipe, { seed: SEED + (weights === "hashed" ? 1 : 0), numRuns: GRAPHS });
    const graphs = recipes.map((r, k) => build(r, k));
    const b = await compileBatch(graphs, path.join(dir, weights), { weights });
    const where = (k: number, inp: string) => `ZKINFER_PROPERTY_SEED=${SEED}, graph ${k} (${graphs[k].nodes.map((nd) => nd.opType).join(" → ")}), input ${inp}`;
    const compiled = b.results.flatMap((c, k) => (c instanceof ProverError ? [] : [k]));
    for (const [k, c] of b.results.entries()) {
      if (c instanceof ProverError) expect(c.message, where(k, "-")).toMatch(/beyond int(8|32); onnxruntime would wrap/);
    }
    expect(compiled.length).toBeGreaterThanOrEqual(weights === "fixed" ? GRAPHS / 2 : GRAPHS / 4);
    const ops = new Map<string, number>();
    for (const k of compiled) for (const nd of graphs[k].nodes) ops.set(nd.opType, (ops.get(nd.opType) ?? 0) + 1);
    console.log(`seed ${SEED}, ${weights} weights: ${compiled.length} of ${GRAPHS} graphs compiled; nodes ${[...ops].map(([o, c]) => `${o} ${c}`).join(", ")}`);
    const sizes = b.results.map((c) => (c instanceof ProverError ? 0 : c.inputSize));
    const inputs = [...extremeInputs(6), { name: "all 3", x: new Array(6).fill(3) }, ...randomInputs(6, 30, SEED)];
    for (const inp of inputs) {
      const res = await b.runAll(sizes.map((s) => inp.x.slice(0, s)));
      for (const k of compiled) {
        const r = res[k]!;
        expect(r.ort, where(k, inp.name)).not.toBeInstanceOf(Error);
        expect(r.evaluator, where(k, inp.name)).toEqual(r.ort);
        expect(r.witness, where(k, inp.name)).toEqual(r.ort);
        expect(r.violated, where(k, inp.name)).toBe(-1);
      }
    }
    const { single, rank } = await b.probe(sizes.map((s) => inputs[6].x.slice(0, s)));
    expect(single.free.map((f) => f.names.join(" = "))).toEqual([]);
    expect(rank.dependent.map((d) => d.names.join(" = "))).toEqual([]);
  }, 240_000);
});
