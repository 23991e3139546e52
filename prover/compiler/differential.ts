/**
 * The differential check a compiled integer graph must pass before it is accepted: onnxruntime
 * (what is served) and the circuit's witness (what is proved) must give the same outputs on the
 * extremes of the int8 range and on seeded random inputs. The compiler is meant to be exact by
 * construction; this catches what construction missed, on the user's own graph, before any
 * key or manifest exists for it. That is completeness; for soundness, given the .sym file, one
 * witness is probed for wires its constraints do not pin (prover/soundness-probe.ts: ~0.7 s on
 * the 25k-constraint fmnist-cnn14, under 1% of its ~100 s check).
 */
import { ProverError } from "../errors.ts";
import type { Graph } from "../onnx/graph.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { calculateWitness } from "../witness.ts";
import { circuitInputs, hasNonce, NONCE_LIMIT } from "../inputs.ts";
import { inputCommitment, outputCommitment } from "../commitment.ts";
import { fromField } from "../field.ts";
import { firstViolated, type R1cs } from "../r1cs.ts";
import { describeFree, probeSoundness } from "../soundness-probe.ts";
import type { CompiledCircuit } from "./compile.ts";

/** Random inputs tried after the extremes, unless told otherwise. */
export const DEFAULT_RANDOM_INPUTS = 256;
/**
 * Past this many constraints the default shrinks in proportion (never below
 * MIN_DEFAULT_RANDOM_INPUTS): a witness costs ~15 ms per 1000 constraints (fmnist-cnn14,
 * 25k constraints: 370 ms per input), so 256 inputs of a 110k-constraint model would take
 * ~7 minutes; scaled down it is ~70 inputs, ~2 minutes.
 */
export const LARGE_CIRCUIT_CONSTRAINTS = 30_000;
export const MIN_DEFAULT_RANDOM_INPUTS = 64;

export function defaultRandomInputs(constraints: number): number {
  if (constraints <= LARGE_CIRCUIT_CONSTRAINTS) return DEFAULT_RANDOM_INPUTS;
  return Math.max(MIN_DEFAULT_RANDOM_INPUTS, Math.round((DEFAULT_RANDOM_INPUTS * LARGE_CIRCUIT_CONSTRAINTS) / constraints));
}

export interface DifferentialOptions {
  /** Seeded random inputs after the five extremes (default defaultRandomInputs(constraints); 0 = extremes only). */
  randomInputs?: number;
  /** Seed of the random inputs (default: derived from the model id, so a compile is reproducible). */
  seed?: number;
  /** Called after each input with (inputs checked, inputs in all): a progress bar's feed. */
  onProgress?: (done: number, total: number) => void;
}

export interface CheckInput {
  name: string;
  x: number[];
}

export interface DifferentialReport {
  inputs: number;
  /** The extreme inputs tried first, by name (their witnesses are also checked against every constraint when the r1cs is given). */
  extremes: string[];
  randomInputs: number;
  seed: number;
  msPerInput: number;
  /** The soundness probe at one witness (with r1cs and sym): wires probed, benign free ones, its time. */
  probe?: { wires: number; benign: number; ms: number };
}

export function extremeInputs(n: number): CheckInput[] {
  return [
    { name: "all -128", x: new Array(n).fill(-128) },
    { name: "all 127", x: new Array(n).fill(127) },
    { name: "alternating -128/127", x: Array.from({ length: n }, (_, i) => (i % 2 ? 127 : -128)) },
    { name: "alternating 127/-128", x: Array.from({ length: n }, (_, i) => (i % 2 ? -128 : 127)) },
    { name: "all 0", x: new Array(n).fill(0) },
  ];
}

/** mulberry32: a seeded PRNG, so a refused input can be regenerated from (seed, index). */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random int8 vectors; every other one uses a random smaller amplitude (2^1 .. 2^7), so that
 * values inside the clip ranges are reached too, not only saturated ones.
 */
export function randomInputs(n: number, count: number, seed: number): CheckInput[] {
  const next = prng(seed);
  return Array.from({ length: count }, (_, j) => {
    const a = j % 2 ? 2 ** (1 + Math.floor(next() * 7)) : 128;
    return { name: `random #${j} (seed ${seed})`, x: Array.from({ length: n }, () => Math.floor(next() * 2 * a) - a) };
  });
}

export interface DifferentialSubject {
  onnx: Uint8Array;
  graph: Graph;
  compiled: CompiledCircuit;
  wasm: string;
  /** When given, the witness of each extreme input is also checked against every constraint. */
  r1cs?: R1cs;
  /**
   * With r1cs, the .sym file's signals (readSym): the witness of one input (the first random one)
   * is also probed for wires the constraints do not pin (prover/soundness-probe.ts), so an
   * under-constrained circuit is refused even though its honest witness is right.
   */
  sym?: Map<string, number>;
}

/** Throws a ProverError naming the first differing output and the input; resolves when all agree. */
export async function differentialCheck(s: DifferentialSubject, seed: number, opts: DifferentialOptions = {}): Promise<DifferentialReport> {
  const { compiled, graph } = s;
  const n = compiled.inputSize;
  const dims = graph.inputs[0].dims.map((d) => (typeof d === "number" ? d : 1));
  const count = opts.randomInputs ?? defaultRandomInputs(s.r1cs?.nConstraints ?? compiled.estimatedConstraints);
  const extremes = extremeInputs(n);
  const inputs = [...extremes, ...randomInputs(n, count, seed)];
  const salt = 1n;
  // The largest nonce: it must come out unchanged at its public position (it is no output).
  const nonce = hasNonce(compiled) ? NONCE_LIMIT - 1n : undefined;
  const pub = (name: string) => 1 + compiled.publicSignals.indexOf(name); // wire 0 is the constant 1
  // A random input: the extremes zero or saturate most values, where more wires are multiplied by zero.
  const probedInput = inputs.length > extremes.length ? extremes.length : 2;
  let probe: DifferentialReport["probe"];
  const t0 = Date.now();
  for (const [k, inp] of inputs.entries()) {
    let ort: number[];
    try {
      ort = await runOnnx(s.onnx, Int8Array.from(inp.x), dims);
    } catch (e) {
      throw new ProverError(`differential check: onnxruntime cannot run the model (input ${inp.name}): ${(e as Error).message}`);
    }
    const w = await calculateWitness(s.wasm, circuitInputs(compiled, inp.x, { graph, salt, inputSalt: salt, nonce })).catch((e: Error) => {
      throw new ProverError(`differential check: the circuit has no witness for input ${inp.name} (onnxruntime computes one): ${e.message}`);
    });
    if (ort.length !== compiled.outputSize) throw mismatch(`onnxruntime gives ${ort.length} outputs on input ${inp.name}, the circuit ${compiled.outputSize}`);
    if (compiled.visibility.output === "public") {
      for (let i = 0; i < compiled.outputSize; i++) {
        const c = fromField(w[pub(`out[${i}]`)]);
        if (BigInt(ort[i]) !== c) throw mismatch(`output ${i} differs on input ${inp.name}: onnxruntime ${ort[i]}, circuit ${c}`);
      }
    } else {
      const expected = await outputCommitment(ort, salt);
      if (w[pub("outputCommitment")] !== expected) throw mismatch(`the output commitment differs on input ${inp.name} (onnxruntime's outputs [${ort}])`);
    }
    if (nonce !== undefined && w[pub("nonce")] !== nonce) throw mismatch(`the public signal nonce is ${w[pub("nonce")]}, not the ${nonce} given, on input ${inp.name}`);
    if (k < extremes.length && compiled.visibility.input !== "public") {
      // The commitment clients and contracts recompute in TypeScript must be the circuit's.
      const expected = await inputCommitment(inp.x, compiled.visibility.input === "hashed-salted" ? salt : undefined);
      if (w[pub("inputCommitment")] !== expected) throw mismatch(`the input commitment differs from prover/commitment.ts's on input ${inp.name}`);
    }
    if (s.r1cs && k < extremes.length) {
      const v = firstViolated(s.r1cs, w);
      if (v !== -1) throw mismatch(`the witness for input ${inp.name} violates constraint ${v}`);
    }
    if (s.r1cs && s.sym && k === probedInput) {
      const r = probeSoundness(s.r1cs, w, { sym: s.sym });
      if (r.free.length) {
        throw new ProverError(`differential check: ${r.free.length} wire(s) can change alone at the witness of input ${inp.name} while every constraint holds: ${r.free.slice(0, 5).map(describeFree).join("; ")}; the circuit does not pin what it proves, so the graph is refused`);
      }
      probe = { wires: r.probed, benign: r.benign.length, ms: r.ms };
    }
    opts.onProgress?.(k + 1, inputs.length);
  }
  const msPerInput = (Date.now() - t0 - (probe?.ms ?? 0)) / inputs.length;
  return { inputs: inputs.length, extremes: extremes.map((e) => e.name), randomInputs: count, seed, msPerInput, ...(probe ? { probe } : {}) };
}

function mismatch(what: string): ProverError {
  return new ProverError(`differential check: ${what}; the circuit does not compute what onnxruntime computes, so the graph is refused`);
}
