/**
 * The rewiring kernels (Split, Pad, DepthToSpace/SpaceToDepth, Expand, Tile, Upsample and
 * legacy Resize, and Gather/Slice/Concat/Transpose/Squeeze/Unsqueeze on run-time tensors)
 * against onnxruntime on random shapes and every attribute-vs-input form, with shape inference
 * (dims only) checked against the dims run() gives.
 */
import fc from "fast-check";
import { describe, it } from "vitest";
import { Rng } from "../../models/lib/rng.ts";
import type { AttrValue } from "../onnx/graph.ts";
import { expectNodeMatchesOrt, type NodeInput } from "./testing.ts";

const RUNS = { numRuns: Number(process.env.ZK_FC_RUNS ?? 10) };
const seed = fc.integer({ min: 1, max: 2 ** 31 - 1 });
// The property returns nothing: fast-check reads any other return value as a failure.
const check = <T>(arb: fc.Arbitrary<T>, f: (t: T) => Promise<unknown>) => fc.assert(fc.asyncProperty(arb, async (t) => { await f(t); }), RUNS);
const dimsArb = (min: number, max: number, lo = 1, hi = 4) => fc.array(fc.integer({ min: lo, max: hi }), { minLength: min, maxLength: max });

/** A fed (run-time) input of random values. */
const fed = (dims: number[], s: number): NodeInput => {
  const rng = new Rng(s);
  return { dims, data: Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => -4 + 8 * rng.next()) };
};
const ints = (data: number[]): NodeInput => ({ dims: [data.length], data, constant: "int64" });
const floats = (data: number[], dims = [data.length]): NodeInput => ({ dims, data, constant: "float32" });

describe("rewiring kernels match onnxruntime, and their shape inference run()", () => {
  it("Split: split attribute (opset 11), split input (13), even splits, num_outputs (18)", async () => {
    const arb = fc.record({
      form: fc.constantFrom("attr", "input", "even11", "even13", "num_outputs"), dims: dimsArb(1, 4, 1, 3),
      lens: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), axisPick: fc.nat(), negative: fc.boolean(), n: fc.integer({ min: 1, max: 7 }), seed,
    });
    await check(arb, async (r) => {
      const axis = r.axisPick % r.dims.length;
      const dims = [...r.dims];
      const k = r.lens.length;
      const attrs: Record<string, AttrValue> = { axis: r.negative ? axis - dims.length : axis };
      const ins: (NodeInput | undefined)[] = [];
      let opset = 13;
      if (r.form === "attr" || r.form === "input") dims[axis] = r.lens.reduce((a, b) => a + b, 0);
      if (r.form === "attr") [opset, attrs.split] = [11, r.lens];
      if (r.form === "input") ins[1] = ints(r.lens);
      if (r.form.startsWith("even")) [dims[axis], opset] = [r.lens[0] * k, r.form === "even11" ? 11 : 13];
      if (r.form === "num_outputs") {
        // ceil(n / k) per part, the last smaller: keep the last part non-empty.
        dims[axis] = Math.max(r.n, (k - 1) * Math.ceil(r.n / k) + 1);
        [opset, attrs.num_outputs] = [18, k];
      }
      ins[0] = fed(dims, r.seed);
      await expectNodeMatchesOrt("Split", ins, attrs, k, opset);
    });
  });

  it("Pad: constant/reflect/edge/wrap, pads as attribute (opset 10) or input, constant_value, axes (18), negative pads", async () => {
    const arb = fc.record({
      mode: fc.constantFrom("constant", "reflect", "edge", "wrap"), form: fc.constantFrom("attr", "input", "value", "axes"),
      dims: dimsArb(1, 4, 1, 4), pads: fc.array(fc.integer({ min: -1, max: 2 }), { minLength: 8, maxLength: 8 }), axesPick: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), seed,
    }).filter((r) => r.dims.every((d, a) => {
      const b = r.pads[a], e = r.pads[a + 4], len = d - Math.max(0, -b) - Math.max(0, -e);
      if (len < 0 || (r.mode !== "constant" && len === 0)) return false;
      if (r.mode === "wrap" && b > len) return false;
      return r.mode !== "reflect" || (Math.max(b, 0) < len && Math.max(e, 0) < len);
    }));
    await check(arb, async (r) => {
      const rank = r.dims.length;
      const pads = [...r.pads.slice(0, rank), ...r.pads.slice(4, 4 + rank)];
      const x = fed(r.dims, r.seed);
      if (r.mode === "wrap") return expectNodeMatchesOrt("Pad", [x, ints(pads)], { mode: r.mode }, 1, 19);
      if (r.form === "attr") return expectNodeMatchesOrt("Pad", [x], { mode: r.mode, pads, value: 1.5 }, 1, 10);
      if (r.form === "input") return expectNodeMatchesOrt("Pad", [x, ints(pads)], { mode: r.mode }, 1, 13);
      if (r.form === "value") return expectNodeMatchesOrt("Pad", [x, ints(pads), floats([-2.5], [])], { mode: r.mode }, 1, 13);
      // Opset 18: pads for a subset of axes, some named negatively.
      const axes = [...new Set(r.axesPick.map((p) => p % rank))];
      const sub = [...axes.map((a) => pads[a]), ...axes.map((a) => pads[a + rank])];
      await expectNodeMatchesOrt("Pad", [x, ints(sub), undefined, ints(axes.map((a, i) => (i % 2 ? a - rank : a)))], { mode: r.mode }, 1, 18);
    });
  });

  it("DepthToSpace (DCR, CRD, and DCR before opset 11) and SpaceToDepth", async () => {
    const arb = fc.record({ op: fc.constantFrom("DCR", "CRD", "DCR9", "S2D"), b: fc.integer({ min: 1, max: 3 }), c: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 3 }), w: fc.integer({ min: 1, max: 3 }), seed });
    await check(arb, async (r) => {
      if (r.op === "S2D") return expectNodeMatchesOrt("SpaceToDepth", [fed([1, r.c, r.h * r.b, r.w * r.b], r.seed)], { blocksize: r.b });
      const x = fed([2, r.c * r.b * r.b, r.h, r.w], r.seed);
      if (r.op === "DCR9") return expectNodeMatchesOrt("DepthToSpace", [x], { blocksize: r.b }, 1, 9);
      await expectNodeMatchesOrt("DepthToSpace", [x], { blocksize: r.b, mode: r.op });
    });
  });

  it("Expand (both ways: the shape may hold 1s and be of lower rank) and Tile", async () => {
    const arb = fc.record({ out: dimsArb(1, 4, 1, 3), ones: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 4, maxLength: 4 }), drop: fc.integer({ min: 0, max: 2 }), reps: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 4, maxLength: 4 }), seed });
    await check(arb, async (r) => {
      // x has 1 where ones=1, the shape has 1 where ones=2 (x keeps its dim there).
      const x = r.out.map((d, a) => (r.ones[a] === 1 ? 1 : d)).slice(Math.min(r.drop, r.out.length - 1));
      const shape = r.out.map((d, a) => (r.ones[a] === 2 ? 1 : d)).slice(r.drop === 2 ? 1 : 0);
      await expectNodeMatchesOrt("Expand", [fed(x, r.seed), ints(shape)]);
      await expectNodeMatchesOrt("Tile", [fed(r.out, r.seed), ints(r.reps.slice(0, r.out.length))]);
    });
  });

  it("Upsample nearest (scales attribute at opset 7, input at 9) and Resize of opset 10 (shrinking too)", async () => {
    const arb = fc.record({ form: fc.constantFrom(7, 9, 10), h: fc.integer({ min: 1, max: 4 }), w: fc.integer({ min: 1, max: 4 }), sh: fc.constantFrom(1, 1.1, 1.5, 2, 3, 0.5, 0.6), sw: fc.constantFrom(1, 2, 2.5, 0.7), seed })
      .filter((r) => (r.form === 10 || (r.sh >= 1 && r.sw >= 1)) && Math.floor(r.h * r.sh) > 0 && Math.floor(r.w * r.sw) > 0);
    await check(arb, async (r) => {
      const x = fed([1, 2, r.h, r.w], r.seed), scales = [1, 1, r.sh, r.sw];
      if (r.form === 7) return expectNodeMatchesOrt("Upsample", [x], { mode: "nearest", scales }, 1, 7);
      await expectNodeMatchesOrt(r.form === 9 ? "Upsample" : "Resize", [x, floats(scales)], { mode: "nearest" }, 1, r.form);
    });
  });

  it("Gather with constant indices (scalar, vector, matrix, negative) on run-time data", async () => {
    const arb = fc.record({ dims: dimsArb(1, 3, 1, 4), axisPick: fc.nat(), idxDims: dimsArb(0, 2, 1, 3), seed });
    await check(arb, async (r) => {
      const axis = r.axisPick % r.dims.length, n = r.dims[axis];
      const rng = new Rng(r.seed + 1);
      const count = r.idxDims.reduce((a, b) => a * b, 1);
      const idx = Array.from({ length: count }, () => Math.floor(rng.next() * 2 * n) - n);
      await expectNodeMatchesOrt("Gather", [fed(r.dims, r.seed), { dims: r.idxDims, data: idx, constant: "int64" }], { axis: axis - (r.axisPick % 2 ? r.dims.length : 0) });
    });
  });

  it("Slice (attributes at opset 9, inputs with negative steps and out-of-range bounds at 13) and Concat of run-time tensors", async () => {
    const arb = fc.record({ dims: dimsArb(1, 4, 1, 5), bounds: fc.array(fc.tuple(fc.integer({ min: -7, max: 7 }), fc.integer({ min: -7, max: 7 }), fc.constantFrom(1, 2, -1, -2)), { minLength: 4, maxLength: 4 }), legacy: fc.boolean(), axisPick: fc.nat(), seed });
    await check(arb, async (r) => {
      const rank = r.dims.length, x = fed(r.dims, r.seed);
      const axes = r.bounds.slice(0, rank).map((_, i) => (i % 2 ? i - rank : i)).slice(r.axisPick % rank);
      const b = r.bounds.slice(0, axes.length);
      if (r.legacy) await expectNodeMatchesOrt("Slice", [x], { starts: b.map((t) => t[0]), ends: b.map((t) => t[1]), axes }, 1, 9);
      else await expectNodeMatchesOrt("Slice", [x, ints(b.map((t) => t[0])), ints(b.map((t) => t[1])), ints(axes), ints(b.map((t) => t[2]))]);
      const axis = r.axisPick % rank, other = r.dims.map((d, a) => (a === axis ? d + 1 : d));
      await expectNodeMatchesOrt("Concat", [x, fed(other, r.seed + 1), floats(fed(r.dims, r.seed + 2).data, r.dims)], { axis });
    });
  });

  it("Transpose, Squeeze and Unsqueeze of run-time tensors (axes as attribute at opset 11, as input at 13)", async () => {
    const arb = fc.record({ dims: dimsArb(1, 4, 1, 3), perm: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), at: fc.array(fc.nat(), { minLength: 1, maxLength: 2 }), legacy: fc.boolean(), seed });
    await check(arb, async (r) => {
      const rank = r.dims.length, x = fed(r.dims, r.seed);
      const perm = r.perm.slice(0, rank).map((p, i) => [p, i]).sort((a, b) => a[0] - b[0] || a[1] - b[1]).map(([, i]) => i);
      await expectNodeMatchesOrt("Transpose", [x], { perm });
      const opset = r.legacy ? 11 : 13;
      const form = (axes: number[]): [(NodeInput | undefined)[], Record<string, AttrValue>] => (r.legacy ? [[], { axes }] : [[ints(axes)], {}]);
      const ones = r.dims.map((d, a) => (d === 1 ? a : -1)).filter((a) => a >= 0);
      if (ones.length) {
        const [extra, attrs] = form(ones.slice(0, 1).map((a) => a - rank));
        await expectNodeMatchesOrt("Squeeze", [x, ...extra], attrs, 1, opset);
      }
      await expectNodeMatchesOrt("Squeeze", [x], {}, 1, opset);
      const outRank = rank + new Set(r.at.map((a) => a % (rank + 1))).size;
      const [extra, attrs] = form([...new Set(r.at.map((a) => a % (rank + 1)))].map((a, i) => (i ? a - outRank : a)));
      await expectNodeMatchesOrt("Unsqueeze", [x, ...extra], attrs, 1, opset);
    });
  });

  it("on fixed cases random runs may miss", async () => {
    const x = fed([1, 2, 5, 4], 7);
    // Reflect mirrors about the edge element (not symmetric); negative pads crop first.
    await expectNodeMatchesOrt("Pad", [x, ints([0, 0, 3, 2, 0, 0, 1, -1])], { mode: "reflect" });
    await expectNodeMatchesOrt("Pad", [x, ints([0, 0, -2, 1, 0, 0, 1, -2])], { mode: "edge" });
    await expectNodeMatchesOrt("Pad", [x, ints([0, 0, 3, -1, 0, 0, 4, 2])], { mode: "wrap" }, 1, 19);
    // Opset 10 Resize rounds up on a shrinking axis: 0.6 on 5 reads 0, 2, 4 (not 0, 1, 3).
    await expectNodeMatchesOrt("Resize", [x, floats([1, 1, 0.6, 0.7])], { mode: "nearest" }, 1, 10);
    // floor(2 * 1.1) = 2: when the whole output has the input's shape onnxruntime copies the
    // input (o / 1.1 would read rows 0, 0); when another axis grows, rows 0, 0 it is.
    await expectNodeMatchesOrt("Upsample", [fed([1, 1, 2, 2], 3)], { mode: "nearest", scales: [1, 1, 1.1, 1] }, 1, 7);
    await expectNodeMatchesOrt("Upsample", [fed([1, 1, 2, 2], 3)], { mode: "nearest", scales: [1, 1, 1.1, 3] }, 1, 7);
    // num_outputs 3 on 5: parts of ceil(5 / 3) = 2, the last 1.
    await expectNodeMatchesOrt("Split", [x], { axis: 2, num_outputs: 3 }, 3, 18);
    await expectNodeMatchesOrt("DepthToSpace", [fed([1, 8, 2, 3], 5)], { blocksize: 2, mode: "CRD" });
  });
});
