/**
 * Test support for the compiler: many small integer graphs compiled into ONE circuit (one
 * circom run, the expensive step), then each graph run three ways on the same int8 input:
 * onnxruntime, the integer evaluator and the circuit witness (with its R1CS checked).
 * Not used outside tests.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import { writeOnnx } from "../onnx/proto.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { evaluateOutput } from "../evaluate-integer.ts";
import { calculateWitness } from "../witness.ts";
import { readR1cs, firstViolated, type R1cs } from "../r1cs.ts";
import { readSym } from "../sym.ts";
import { probeSoundness, type ProbeReport } from "../soundness-probe.ts";
import { jacobianRank, type RankReport } from "../soundness-rank.ts";
import { fromField } from "../field.ts";
import { compileToCircom, type CompiledCircuit } from "./compile.ts";
import { ensureCircuitBuild } from "./model.ts";

export { extremeInputs, randomInputs } from "./differential.ts";

export interface ThreeWay {
  ort: number[] | Error;
  evaluator: number[] | Error;
  witness: number[];
  /** Index of the first violated constraint, -1 when the witness satisfies all. */
  violated: number;
}

export interface Batch {
  /** Per graph: what the compiler made of it, or its refusal. */
  results: (CompiledCircuit | ProverError)[];
  /** Runs compiled graph k on input x (int8 values) in all three ways. */
  run(k: number, x: number[]): Promise<ThreeWay>;
  /** Runs every compiled graph k on xs[k] with one witness of the whole circuit. */
  runAll(xs: number[][]): Promise<(ThreeWay | undefined)[]>;
  /**
   * The soundness probes of the whole circuit at the witness of xs (graph k on xs[k]): wires free
   * alone, and the Jacobian rank (benign free wires left out). Signals main.g<k>.* and
   * main.y<k>[*] are graph k's.
   */
  probe(xs: number[][]): Promise<{ single: ProbeReport; rank: RankReport }>;
  /** The whole circuit's constraints, signal names and witness at xs, for wrong-witness tests. */
  inspect(xs: number[][]): Promise<{ r1cs: R1cs; sym: Map<string, number>; w: bigint[] }>;
  /** The whole circuit, for tests that change witness values by hand (wrong hints). */
  circuit(): { r1cs: R1cs; sym: Map<string, number>; witness(xs: number[][]): Promise<bigint[]> };
}

/** The generated templates of one graph, without the file header and `component main`. */
function templatesOf(source: string): string[] {
  return source.split("\n").filter((l) => !/^(\/\/|pragma |include |component main)/.test(l));
}

/**
 * Compiles every graph it can into one circuit under dir; a graph the compiler refuses keeps its
 * error. With hashed weights, each graph's weights are inputs of the whole circuit, fed from
 * its initializers.
 */
export async function compileBatch(graphs: Graph[], dir: string, opts: { weights?: "fixed" | "hashed"; checkR1cs?: boolean } = {}): Promise<Batch> {
  const results = graphs.map((g, k): CompiledCircuit | ProverError => {
    try {
      return compileToCircom(g, { templateName: `G${k}`, visibility: { input: "public", output: "public", weights: opts.weights ?? "fixed" } });
    } catch (e) {
      if (e instanceof ProverError) return e;
      throw new Error(`graph ${k}: compiler crashed instead of refusing: ${(e as Error).stack}`);
    }
  });
  const lines = ["pragma circom 2.1.0;", 'include "zkinfer.circom";'];
  const main: string[] = [];
  /** Every input of the batch is public: circom --O2 never substitutes a public signal away (see prover/soundness-probe.ts). */
  const mainInputs: string[] = [];
  const outOffset: number[] = [];
  let offset = 0;
  results.forEach((c, k) => {
    if (c instanceof ProverError) return;
    lines.push(...templatesOf(c.source));
    mainInputs.push(`x${k}`, ...c.weightInputs.map((w) => `x${k}${w.signal}`));
    main.push(`    signal input x${k}[${c.inputSize}];`, `    signal output y${k}[${c.outputSize}];`, `    component g${k} = G${k}();`);
    main.push(`    for (var i = 0; i < ${c.inputSize}; i++) g${k}.x[i] <== x${k}[i];`);
    for (const w of c.weightInputs) {
      main.push(`    signal input x${k}${w.signal}[${w.size}];`, `    for (var i = 0; i < ${w.size}; i++) g${k}.${w.signal}[i] <== x${k}${w.signal}[i];`);
    }
    main.push(`    for (var i = 0; i < ${c.outputSize}; i++) y${k}[i] <== g${k}.out[i];`);
    outOffset[k] = offset;
    offset += c.outputSize;
  });
  let wasm = "", r1cs: R1cs | undefined, sym: Map<string, number> | undefined, symPath = "", r1csPath = "";
  if (main.length) {
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, "batch.circom");
    writeFileSync(file, [...lines, "template Batch() {", ...main, "}", `component main {public [${mainInputs.join(", ")}]} = Batch();`, ""].join("\n"));
    const b = await ensureCircuitBuild(file, path.join(dir, "out"));
    wasm = b.wasm;
    symPath = b.sym;
    r1csPath = b.r1cs;
    if (opts.checkR1cs ?? true) r1cs = readR1cs(b.r1cs);
  }
  const onnx = graphs.map((g) => writeOnnx(g));
  const inputs: Record<string, bigint[]> = {};
  results.forEach((c, k) => {
    if (c instanceof ProverError) return;
    inputs[`x${k}`] = new Array(c.inputSize).fill(0n);
    for (const w of c.weightInputs) inputs[`x${k}${w.signal}`] = Array.from(graphs[k].initializers.get(w.tensor)!.data as ArrayLike<number>, (v) => BigInt(v));
  });

  const compiledAt = results.flatMap((c, k) => (c instanceof ProverError ? [] : [k]));
  const reference = (k: number, x: number[]) => {
    const g = graphs[k], dims = g.inputs[0].dims.map((d) => (typeof d === "number" ? d : 1));
    const ort = runOnnx(onnx[k], Int8Array.from(x), dims).catch((e: Error) => e);
    let evaluator: number[] | Error;
    try {
      evaluator = evaluateOutput(g, { [g.inputs[0].name]: { dtype: "int8", dims, data: x } }).data;
    } catch (e) {
      evaluator = e as Error;
    }
    return { ort, evaluator };
  };
  const witnessOf = (xs: number[][]) => {
    const feed = { ...inputs };
    for (const k of compiledAt) feed[`x${k}`] = xs[k].map(BigInt);
    return calculateWitness(wasm, feed);
  };
  const runAll = async (xs: number[][]): Promise<(ThreeWay | undefined)[]> => {
    const w = await witnessOf(xs);
    const violated = r1cs ? firstViolated(r1cs, w) : -1;
    return Promise.all(results.map(async (c, k) => {
      if (c instanceof ProverError) return undefined;
      const { ort, evaluator } = reference(k, xs[k]);
      const witness = Array.from({ length: c.outputSize }, (_, i) => Number(fromField(w[1 + outOffset[k] + i])));
      return { ort: await ort, evaluator, witness, violated };
    }));
  };
  return {
    results,
    runAll,
    async probe(xs) {
      if (!wasm) throw new Error("no graph of the batch compiled: nothing to probe");
      sym ??= readSym(symPath);
      const r = r1cs ?? readR1cs(r1csPath), w = await witnessOf(xs);
      const single = probeSoundness(r, w, { sym });
      return { single, rank: jacobianRank(r, w, { sym, exclude: new Set(single.benign.map((f) => f.wire)) }) };
    },
    async inspect(xs) {
      if (!wasm) throw new Error("no graph of the batch compiled: nothing to inspect");
      sym ??= readSym(symPath);
      return { r1cs: r1cs ?? readR1cs(r1csPath), sym, w: await witnessOf(xs) };
    },
    circuit() {
      if (!wasm) throw new Error("no graph of the batch compiled: no circuit");
      sym ??= readSym(symPath);
      return { r1cs: r1cs ?? readR1cs(r1csPath), sym, witness: witnessOf };
    },
    async run(k, x) {
      if (results[k] instanceof ProverError) throw new Error(`graph ${k} was refused: ${(results[k] as ProverError).message}`);
      const xs = results.map((c) => (c instanceof ProverError ? [] : new Array(c.inputSize).fill(0)));
      xs[k] = x;
      return (await runAll(xs))[k]!;
    },
  };
}
