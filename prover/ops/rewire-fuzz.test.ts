/**
 * The rewiring ops' evaluator against onnxruntime on random attributes (fast-check): Slice
 * starts/ends/steps anywhere (clamped, negative), Resize nearest with random scales or sizes in
 * every coordinate and rounding mode (float32 arithmetic), Pad with random pads and modes,
 * Gather with random indices and axis, Transpose with random perms. No circuit: the circuit
 * equals the evaluator by construction of the shared plan, as rewire.test.ts checks.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { evaluateOutput } from "../evaluate-integer.ts";
import { f32, i64, i8, n } from "./rewire-cases.ts";

function g(dims: number[], node: Node, inits: Record<string, Tensor>, opset = 13): Graph {
  return { name: "f", opset, metadata: {}, nodes: [node], initializers: new Map(Object.entries(inits)), inputs: [{ name: "x", dtype: "int8", dims }], outputs: [{ name: "y", dtype: "int8", dims: [] }] };
}

async function agree(graph: Graph): Promise<void> {
  const dims = graph.inputs[0].dims as number[];
  const x = Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => ((i * 37 + 11) % 256) - 128);
  const ours = evaluateOutput(graph, { x: { dtype: "int8", dims, data: x } });
  graph.outputs[0].dims = ours.dims;
  expect(ours.data).toEqual(await runOnnx(writeOnnx(graph), Int8Array.from(x), dims));
}

const dimsArb = (rank: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank });
const RUNS = { numRuns: 60 };

describe("rewiring evaluator == onnxruntime on random attributes", () => {
  it("Slice", async () => {
    const bound = fc.oneof(fc.integer({ min: -7, max: 7 }), fc.constantFrom(-(2 ** 40), 2 ** 40));
    await fc.assert(fc.asyncProperty(dimsArb(3), fc.array(fc.tuple(fc.integer({ min: -3, max: 2 }), bound, bound, fc.constantFrom(-3, -2, -1, 1, 2, 3))), async (dims, specs) => {
      const seen = new Set<number>();
      const sp = specs.filter(([a]) => { const k = (a + 3) % 3; if (seen.has(k)) return false; seen.add(k); return true; });
      if (!sp.length) return;
      await agree(g(dims, n("Slice", ["x", "s", "e", "a", "st"], "y"), { s: i64(sp.map((v) => v[1])), e: i64(sp.map((v) => v[2])), a: i64(sp.map((v) => v[0])), st: i64(sp.map((v) => v[3])) }));
    }), RUNS);
  }, 120_000);

  it("Resize nearest", async () => {
    const coord = fc.constantFrom("half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn");
    const nearest = fc.constantFrom("round_prefer_floor", "round_prefer_ceil", "floor", "ceil");
    const scale = fc.integer({ min: 2, max: 40 }).map((v) => v / 10);
    await fc.assert(fc.asyncProperty(dimsArb(2), coord, nearest, fc.boolean(), fc.tuple(scale, scale), fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })), async (hw, c, m, bySizes, sc, sz) => {
      const attrs = { coordinate_transformation_mode: c, nearest_mode: m };
      const graph = bySizes
        ? g([1, 1, ...hw], n("Resize", ["x", "", "", "s"], "y", attrs), { s: i64([1, 1, ...sz]) })
        : g([1, 1, ...hw], n("Resize", ["x", "", "s"], "y", attrs), { s: f32([1, 1, ...sc]) });
      if (!bySizes && hw.some((d, i) => Math.trunc(Math.fround(Math.fround(sc[i]) * d)) < 1)) return; // an empty output
      await agree(graph);
    }), RUNS);
  }, 120_000);

  it("Resize nearest: the cases fast-check found (an output of the input's shape is a copy; otherwise every axis maps by its scale)", async () => {
    const attrs = { coordinate_transformation_mode: "half_pixel", nearest_mode: "floor" };
    await agree(g([1, 1, 1, 2], n("Resize", ["x", "", "s"], "y", attrs), { s: f32([1, 1, 1, 1.1]) }));
    await agree(g([1, 1, 3, 3], n("Resize", ["x", "", "s"], "y", attrs), { s: f32([1, 1, 1.1, 1.2]) }));
    const prefer = { coordinate_transformation_mode: "half_pixel", nearest_mode: "round_prefer_floor" };
    await agree(g([1, 1, 4, 1], n("Resize", ["x", "", "s"], "y", prefer), { s: f32([1, 1, 1.2, 2]) }));
  });

  it("Pad", async () => {
    const mode = fc.constantFrom("constant", "reflect", "edge", "wrap");
    await fc.assert(fc.asyncProperty(dimsArb(2).map((d) => d.map((v) => v + 1)), mode, fc.array(fc.integer({ min: -1, max: 3 }), { minLength: 4, maxLength: 4 }), fc.integer({ min: -128, max: 127 }), async (dims, md, pads, v) => {
      const p = md === "constant" ? pads : pads.map((q, i) => Math.min(Math.max(q, 0), dims[i % 2] - 1));
      if (dims.some((d, i) => d + p[i] + p[i + 2] < 1)) return;
      await agree(g(dims, n("Pad", ["x", "p", "v"], "y", { mode: md }), { p: i64(p), v: i8([v], []) }, 19));
    }), RUNS);
  }, 120_000);

  it("Gather with constant indices", async () => {
    await fc.assert(fc.asyncProperty(dimsArb(3), fc.integer({ min: -3, max: 2 }), fc.array(fc.integer({ min: -100, max: 100 }), { minLength: 1, maxLength: 6 }), async (dims, axis, raw) => {
      const d = dims[(axis + 3) % 3];
      const idx = raw.map((v) => (((v % (2 * d)) + 2 * d) % (2 * d)) - d); // in [-d, d)
      await agree(g(dims, n("Gather", ["x", "i"], "y", { axis }), { i: i64(idx, idx.length % 2 ? [idx.length] : [2, idx.length / 2]) }));
    }), RUNS);
  }, 120_000);

  it("Transpose", async () => {
    await fc.assert(fc.asyncProperty(dimsArb(4), fc.shuffledSubarray([0, 1, 2, 3], { minLength: 4, maxLength: 4 }), async (dims, perm) => {
      await agree(g(dims, n("Transpose", ["x"], "y", { perm }), {}));
    }), RUNS);
  }, 120_000);
});
