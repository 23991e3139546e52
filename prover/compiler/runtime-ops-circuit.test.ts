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
import type { CompiledCircuit } from "./compile.ts";

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
      expect(single.free).toEqual([]);
      expect(rank.dependent).toEqual([]);
    }
  }, 120_000);
});
