/**
 * Division by any constant (DivConst: hinted quotient and remainder, range-checked), and the
 * sums the quantizer divides (depthwise ConvInteger, ones MatMulInteger, int8 and uint8
 * operands): onnxruntime == evaluator == witness on extreme, every-remainder and random inputs,
 * up to int32's maximum; costs as estimated; no wire free; a prover that changes the hint
 * (q + 1 with r - d, q - 1 with r + d, r = d, another remainder with its quotient solved in the
 * field) is rejected, and for d = 3, 9, 49 no boolean assignment of a division's bits but the
 * honest one satisfies the constraints (exhaustive).
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProverError } from "../errors.ts";
import { REPO_ROOT } from "../circom.ts";
import { firstViolated, type R1cs } from "../r1cs.ts";
import { BN254_R, toField } from "../field.ts";
import { evaluateGraph } from "../evaluate-integer.ts";
import { compileToCircom, type CompiledCircuit } from "./compile.ts";
import { compileBatch, extremeInputs, randomInputs, type Batch } from "./testing.ts";
import { divConstShape } from "../lowering/div-const.ts";
import { avgPool, concatDiv, depthwise, graph, int32MaxDiv, meanOf5, node, smallDiv, tensor, typedDiv, wideDiv } from "./div-const-graphs.ts";

const T = ["int8", "uint8"] as const;
const GRAPHS = [
  smallDiv(3), smallDiv(5), smallDiv(9), smallDiv(49), smallDiv(1000), smallDiv(-7), smallDiv(-4),
  wideDiv(3, 1), wideDiv(49, 2), wideDiv(1000, 3), wideDiv(65535, 4),
  int32MaxDiv(1000), int32MaxDiv(3), int32MaxDiv(2147483647),
  typedDiv("uint8", 3), typedDiv("int8", 5), concatDiv(3), concatDiv(-1),
  avgPool("int8", "int8"), avgPool("int8", "int8", 2, 5), avgPool("uint8", "int8", 3),
  ...T.flatMap((x) => T.map((w) => meanOf5(x, w))), ...T.flatMap((x) => T.map((w, i) => depthwise(x, w, 10 + i))),
];
const at = (name: string) => { const k = GRAPHS.findIndex((g) => g.name === name); if (k < 0) throw new Error(name); return k; };
/** The input size of the largest graph (the uint8 avgpool on [1, 3, 5, 5]). */
const N = 75;

let b: Batch;
const dir = path.join(REPO_ROOT, "build", "test-circuits", `div-const-${process.pid}`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeAll(async () => { b = await compileBatch(GRAPHS, dir); }, 240_000);

const compiled = (k: number) => b.results[k] as CompiledCircuit;
const xsFor = (x: number[]) => b.results.map((c) => (c instanceof ProverError ? [] : x.slice(0, c.inputSize)));

/** x = -128 + i (+ an offset): (x + 128 + half) runs through every remainder of d <= 16 and more. */
const RAMPS = [0, 16, 48, 100, 180].map((o) => ({ name: `ramp from ${o - 128}`, x: Array.from({ length: N }, (_, i) => ((o + i) % 256) - 128) }));

describe("Div by any positive constant, and the sums the quantizer divides", () => {
  it("compiles every graph; a power of two keeps its ReluRescale, any other divisor is one DivConst per element", () => {
    GRAPHS.forEach((g, k) => expect(b.results[k], g.name).not.toBeInstanceOf(ProverError));
    expect(compiled(at("div3")).source).toMatch(/DivConst\(7, 2, 3\)/); // (x + 129) / 3 in [0, 85]
    expect(compiled(at("div-4")).source).toMatch(/ReluRescale\(/);
    expect(compiled(at("div-4")).source).not.toMatch(/DivConst/);
    expect(compiled(at("div1000")).source, "(x + 628) / 1000 is always 0").not.toMatch(/DivConst/);
    expect(compiled(at("concat/3")).source.match(/DivConst\(/g), "only the 16 run-time elements").toHaveLength(16);
  });

  it("onnxruntime == evaluator == witness on extreme, every-remainder and random inputs; every constraint holds", async () => {
    for (const inp of [...extremeInputs(N), ...RAMPS, ...randomInputs(N, 30, 1234)]) {
      const res = await b.runAll(xsFor(inp.x));
      GRAPHS.forEach((g, k) => {
        const r = res[k]!, where = `${g.name} on ${inp.name}`;
        expect(r.ort, where).not.toBeInstanceOf(Error);
        expect(r.evaluator, where).toEqual(r.ort);
        expect(r.witness, where).toEqual(r.ort);
        expect(r.violated, where).toBe(-1);
      });
    }
    // int32's maximum is reached and divided: (127 + 128)·8421504 + 127 = 2^31 - 1
    expect((await b.run(at("int32max/2147483647"), new Array(8).fill(127))).witness).toEqual(new Array(8).fill(1));
    expect((await b.run(at("int32max/3"), new Array(8).fill(127))).witness).toEqual(new Array(8).fill(715827882));
    expect((await b.run(at("int32max/1000"), new Array(8).fill(127))).witness).toEqual(new Array(8).fill(2147483));
    expect((await b.run(at("concat/-1"), new Array(16).fill(5))).witness.slice(15)).toEqual([-5, -128, 7, -10, -127]);
  }, 240_000);

  it("costs Q + 2R per element (Q: bits of the quotient's range, R: bits of d - 1); the estimates are the circuit's", async () => {
    const cost = (k: number) => compiled(k).costs.find((c) => c.opType === "Div")!.constraints;
    expect(cost(at("div3")) / 16).toBe(7 + 2 * 2);
    expect(cost(at("div49")) / 16).toBe(3 + 2 * 6); // (x + 152) / 49 in [0, 5]
    expect(cost(at("div1000"))).toBe(0);
    expect(cost(at("div-7")) / 16).toBe(6 + 2 * 3); // |d| = 7: quotient in [0, 37]
    expect(cost(at("int32max/2147483647")) / 8).toBe(1 + 2 * 31);
    expect(cost(at("int32max/3")) / 8).toBe(30 + 2 * 2);
    expect(divConstShape(127n, 2n ** 31n - 1n, 1000n)).toMatchObject({ qmin: 0n, qmax: 2147483n, Q: 22, R: 10, cost: 42 });
    // only the quotient's range is decomposed: [2000, 2999] / 1000 is 2 for every value
    expect(divConstShape(2000n, 2999n, 1000n).cost).toBe(0);
    expect(divConstShape(2000n, 3000n, 1000n)).toMatchObject({ qmin: 2n, Q: 1, cost: 21 });
    // the constraints are the estimates, plus one per output of the graphs whose outputs are
    // linear in the (public) inputs alone: --O2 cannot substitute those away
    const { r1cs } = b.circuit();
    const estimated = b.results.reduce((a, c) => a + (c instanceof ProverError ? 0 : c.estimatedConstraints), 0);
    // (div1000's 16 outputs are the constant 0, and 4 of each concat graph's are constants)
    const linearOutputs = GRAPHS.filter((g) => g.name.startsWith("depthwise")).length * 36 + 16 + 2 * 4;
    expect(r1cs.nConstraints).toBe(estimated + linearOutputs);
  });

  it("refuses a dividend that may be negative, a zero divisor and a run-time divisor, naming the node", () => {
    const neg = graph("neg", [1, 4], ["y", "int32", [1, 4]], [node("c", "Cast", ["x"], { to: 6 }), node("y", "Div", ["c", "d"])], { d: tensor("int32", [], [9]) });
    expect(() => compileToCircom(neg, { templateName: "Neg" })).toThrow(/node y \(#1, Div\): division by 9 of a value that may be negative \(bounds \[-128, 127\]\)/);
    const zero = graph("zero", [1, 4], ["y", "int8", [1, 4]], [node("r", "Relu", ["x"]), node("y", "Div", ["r", "d"])], { d: tensor("int8", [], [0]) });
    expect(() => compileToCircom(zero, { templateName: "Zero" })).toThrow(/node y \(#1, Div\): integer division by zero/);
    const run = graph("run", [1, 4], ["y", "int8", [1, 4]], [node("r", "Relu", ["x"]), node("y", "Div", ["r", "r"])], {});
    expect(() => compileToCircom(run, { templateName: "Run" })).toThrow(/node y \(#1, Div\): input 1 \(r\) must be a constant/);
  });

  it("no wire is free at a ramp and at a random input (single-wire probe and Jacobian rank)", async () => {
    for (const x of [RAMPS[0].x, randomInputs(N, 1, 7)[0].x]) {
      const { single, rank } = await b.probe(xsFor(x));
      expect(single.probed).toBeGreaterThan(1000);
      expect(single.free.map((f) => f.names.join(" = "))).toEqual([]);
      expect(rank.dependent.map((d) => d.names.join(" = "))).toEqual([]);
    }
  }, 240_000);
});

describe("DivConst soundness: a prover that changes the hint is rejected", () => {
  /** The DivConst components of graph k, in element order, with their bit widths (cached: sym has every signal). */
  const cache = new Map<number, { p: string; Q: number; R: number }[]>();
  function components(sym: Map<string, number>, k: number) {
    let list = cache.get(k);
    if (list) return list;
    const names = [...new Set([...sym.keys()].map((s) => new RegExp(`^main\\.g${k}\\.(dv\\d+)\\.`).exec(s)?.[1]).filter((s): s is string => !!s))]
      .sort((a, c) => Number(a.slice(2)) - Number(c.slice(2)));
    const width = (p: string, part: string) => [...sym.keys()].filter((s) => s.startsWith(`${p}.${part}.out[`)).length;
    list = names.map((n) => { const p = `main.g${k}.${n}`; return { p, Q: width(p, "qBits"), R: Math.max(width(p, "rBits"), width(p, "slack")) }; });
    cache.set(k, list);
    return list;
  }

  /**
   * Graph k's witness with element j's division claiming quotient q and remainder r, and the
   * slack d - 1 - r: every bit set from those values (two's complement where one is negative,
   * the best a cheating prover can do with boolean bits), the hints, and the public output y = q.
   * Wires --O2 substituted away are not in the witness; the constraints hold them as sums.
   * Every call sets the same wires: `into` (a copy of the honest witness) is reused.
   */
  function forge(into: bigint[], sym: Map<string, number>, k: number, j: number, d: bigint, v: { q: bigint; r: bigint; s?: bigint }): bigint[] {
    const { p, Q, R } = components(sym, k)[j];
    const bad = into;
    const set = (name: string, val: bigint) => { const i = sym.get(name); if (i !== undefined && i >= 0) bad[i] = toField(val); };
    const bits = (part: string, n: number, val: bigint) => { for (let i = 0; i < n; i++) set(`${p}.${part}.out[${i}]`, (BigInt.asUintN(n, val) >> BigInt(i)) & 1n); };
    const s = v.s ?? d - 1n - v.r;
    // bits of a negative or huge value: its low bits, the best boolean bits can do
    bits("qBits", Q, v.q); bits("rBits", R, v.r); bits("slack", R, s);
    set(`${p}.out`, v.q); set(`${p}.qBits.in`, v.q); set(`${p}.r`, v.r); set(`${p}.rBits.in`, v.r); set(`${p}.slack.in`, d - 1n - v.r);
    bad[sym.get(`main.y${k}[${j}]`)!] = toField(v.q);
    return bad;
  }

  /** a / d in the field of the circuit. */
  const fieldDiv = (a: bigint, d: bigint) => {
    let inv = 1n, base = d, e = BN254_R - 2n;
    for (; e > 0n; e >>= 1n, base = (base * base) % BN254_R) if (e & 1n) inv = (inv * base) % BN254_R;
    return (toField(a) * inv) % BN254_R;
  };

  /** The dividend of every element of graph k on input x (the evaluator's value before the Div). */
  const dividends = (k: number, x: number[]) => {
    const g = GRAPHS[k], div = g.nodes.find((n) => n.opType === "Div")!;
    return evaluateGraph(g, { x: { dtype: "int8", dims: g.inputs[0].dims as number[], data: x.slice(0, compiled(k).inputSize) } }).get(div.inputs[0])!.data.map(BigInt);
  };

  /** The wires a forgery of graph k's element j may change: its DivConst's and the output's. */
  const wiresOf = (sym: Map<string, number>, k: number, j: number) => {
    const { p } = components(sym, k)[j];
    return new Set([...sym].filter(([n, i]) => i >= 0 && n.startsWith(`${p}.`)).map(([, i]) => i).concat(sym.get(`main.y${k}[${j}]`)!));
  };
  /** The constraints that read any of these wires: the others hold for a forgery as for the honest witness. */
  const touching = (r1cs: R1cs, wires: Set<number>): R1cs => {
    const constraints = r1cs.constraints.filter((c) => c.some((lc) => [...lc.keys()].some((i) => wires.has(i))));
    return { ...r1cs, constraints, nConstraints: constraints.length };
  };

  it("q + 1 with r - d, q - 1 with r + d, and r = d exactly each break a constraint; the honest values, set the same way, break none", async () => {
    const { r1cs, sym, witness } = b.circuit();
    let attacks = 0, exactD = 0;
    for (const name of ["div3", "div9", "div49", "wide/3", "wide/1000", "wide/65535", "int32max/2147483647"]) {
      const k = at(name), d = BigInt(GRAPHS[k].initializers.get("d")!.data[0] as number);
      for (const inp of [RAMPS[0], RAMPS[3], ...randomInputs(N, 2, 99)]) {
        const xs = xsFor(inp.x), w = await witness(xs);
        expect(firstViolated(r1cs, w)).toBe(-1);
        dividends(k, inp.x).forEach((h, j) => {
          // qmin is 0 for these graphs (their smallest dividend is below d): the honest forgery checks that
          const q = h / d, r = h % d, sub = touching(r1cs, wiresOf(sym, k, j)), bad = [...w], where = `${name} element ${j} (${h} = ${q}·${d} + ${r}) on ${inp.name}`;
          expect(firstViolated(sub, forge(bad, sym, k, j, d, { q, r })), `${where}: honest`).toBe(-1);
          // another remainder in [0, d), with the quotient that solves h = q·d + r in the field: a huge q
          const r2 = (r + 1n) % d, q2 = fieldDiv(h - r2, d);
          for (const [why, v] of [["q + 1, r - d", { q: q + 1n, r: r - d }], ["q - 1, r + d", { q: q - 1n, r: r + d }], ["q - 1, r + d, slack 0", { q: q - 1n, r: r + d, s: 0n }], ["r + 1, q = (h - r - 1)/d in the field", { q: q2, r: r2 }]] as const) {
            expect(firstViolated(sub, forge(bad, sym, k, j, d, v)), `${where}: ${why}`).toBeGreaterThanOrEqual(0);
            attacks++;
          }
          if (r === 0n && q > 0n) exactD++;
        });
      }
    }
    expect(attacks).toBeGreaterThan(500);
    expect(exactD, "elements with r = 0, where q - 1 with r + d claims r = d exactly").toBeGreaterThan(5);
  }, 240_000);

  it("d = 3, 9, 49: of every boolean value of one division's quotient, remainder and slack bits, only the honest witness satisfies the constraints (exhaustive)", async () => {
    const { r1cs, sym, witness } = b.circuit();
    for (const [name, x, j] of [["div3", RAMPS[0].x, 0], ["div3", RAMPS[0].x, 1], ["div3", RAMPS[0].x, 5], ["div9", RAMPS[1].x, 6], ["div9", RAMPS[1].x, 7], ["div49", RAMPS[4].x, 3]] as const) {
      const k = at(name), d = BigInt(GRAPHS[k].initializers.get("d")!.data[0] as number);
      // remainders 1, 2, 0 (d = 3), 8, 0 (d = 9), 11 (d = 49)
      const w = await witness(xsFor([...x])), h = dividends(k, [...x])[j];
      const { Q, R } = components(sym, k)[j], wires = [...wiresOf(sym, k, j)], sub = touching(r1cs, new Set(wires)), bad = [...w];
      // Bits --O2 substituted away are not wires: values differing only there are one witness.
      const sat = new Set<string>();
      for (let q = 0n; q < 1n << BigInt(Q); q++)
        for (let r = 0n; r < 1n << BigInt(R); r++)
          for (let s = 0n; s < 1n << BigInt(R); s++) {
            forge(bad, sym, k, j, d, { q, r, s });
            if (firstViolated(sub, bad) === -1) sat.add(wires.some((i) => bad[i] !== w[i]) ? `${q}·${d} + ${r} (slack ${s})` : "honest");
          }
      expect([...sat], `${name} element ${j}: dividend ${h}`).toEqual(["honest"]);
    }
  }, 120_000);
});
