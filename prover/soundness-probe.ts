/**
 * A soundness probe of a compiled circuit: given a witness that satisfies the R1CS, every wire
 * the prover does not choose (outputs and intermediates; not wire 0, not the inputs) must be
 * pinned by the others. The differential check and the property test only run the honest
 * witness (completeness); an under-constrained `<--` hint passes both, and this catches it.
 *
 * Exact, not sampled: changing wire i by d turns constraint (A·w)(B·w) = C·w into
 * d·(α·d + β) = 0 with α = a_i·b_i and β = a_i·B·w + b_i·A·w − c_i (honest values A·w, B·w).
 * So each constraint allows every d (α = β = 0), no d ≠ 0 (α = 0 ≠ β) or exactly d = −β/α;
 * the intersection over the constraints containing i says whether any other value of wire i
 * keeps the whole R1CS satisfied. Each constraint is evaluated once, then each wire costs its
 * number of occurrences: linear in the size of the R1CS.
 *
 * Limit: one wire at a time. A hint whose wrong value can be compensated by changing the wires
 * computed from it (a quotient without a range check on its remainder) needs several wires
 * changed together and is not found here.
 */
import type { R1cs } from "./r1cs.ts";
import { ProverError } from "./errors.ts";

export interface FreeWire {
  wire: number;
  /** The signal names of the wire from the .sym file ("?" without one). */
  names: string[];
  kind: "output" | "intermediate";
  /** The witness's value. */
  value: bigint;
  /** A value other than the witness's that keeps every constraint satisfied. */
  alternative: bigint;
  /** The value may be anything (the wire is multiplied by zero or absent everywhere). */
  anyValue: boolean;
}

export interface ProbeReport {
  probed: number;
  free: FreeWire[];
  /** Free wires accepted as benign by `benign` (e.g. an IsZero inverse of zero). */
  benign: FreeWire[];
  ms: number;
}

export interface ProbeOptions {
  /** wire → signal names, from readSym; names the free wires. */
  sym?: Map<string, number>;
  /** Accepts a free wire as benign, given the witness; default `knownBenign`. */
  benign?: (f: FreeWire, w: readonly bigint[], sym: Map<string, number> | undefined) => boolean;
}

const mod = (v: bigint, p: bigint) => ((v % p) + p) % p;

function inverse(a: bigint, p: bigint): bigint {
  let [r0, r1, s0, s1] = [mod(a, p), p, 1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, p);
}

/**
 * The IsZero inverse of ReluRescaleClip (`<prefix>.inv`) is free exactly when its operand is
 * zero, i.e. when `<prefix>.isLow` is 1: it is then multiplied by zero in every constraint and
 * changes no other wire. Any other free wire is a finding.
 */
export function knownBenign(f: FreeWire, w: readonly bigint[], sym: Map<string, number> | undefined): boolean {
  if (!sym || f.kind !== "intermediate" || !f.anyValue) return false;
  return f.names.some((n) => {
    if (!n.endsWith(".inv")) return false;
    const isLow = sym.get(`${n.slice(0, -4)}.isLow`);
    return isLow !== undefined && isLow >= 0 && w[isLow] === 1n;
  });
}

export function probeSoundness(r: R1cs, w: readonly bigint[], opts: ProbeOptions = {}): ProbeReport {
  const t0 = Date.now();
  const p = r.prime;
  if (w.length !== r.nWires) throw new ProverError(`soundness probe: witness has ${w.length} wires, the circuit ${r.nWires}`);
  const n = r.constraints.length;
  const firstInput = 1 + r.nOutputs, firstIntermediate = firstInput + r.nPubInputs + r.nPrvInputs;
  // Inputs are not probed, so not indexed: they are most of the terms of fixed-weight layers.
  const probed = (i: number) => i > 0 && (i < firstInput || i >= firstIntermediate);
  const av: bigint[] = new Array(n), bv: bigint[] = new Array(n);
  // occurrences[i]: [constraint, a_i, b_i, c_i] for each constraint containing wire i
  const occ: [number, bigint, bigint, bigint][][] = Array.from({ length: r.nWires }, () => []);
  const evalLc = (lc: Map<number, bigint>) => {
    let s = 0n;
    for (const [i, c] of lc) s += c * w[i];
    return mod(s, p);
  };
  for (let k = 0; k < n; k++) {
    const [A, B, C] = r.constraints[k];
    av[k] = evalLc(A);
    bv[k] = evalLc(B);
    if (mod(av[k] * bv[k] - evalLc(C), p) !== 0n) throw new ProverError(`soundness probe: the witness itself violates constraint ${k}`);
    const wires = new Set([...A.keys(), ...B.keys(), ...C.keys()]);
    for (const i of wires) if (probed(i)) occ[i].push([k, A.get(i) ?? 0n, B.get(i) ?? 0n, C.get(i) ?? 0n]);
  }
  const names = new Map<number, string[]>();
  for (const [name, i] of opts.sym ?? []) if (i >= 0) names.set(i, [...(names.get(i) ?? []), name]);
  // circom --O2 may substitute a private input away and reuse its wire (the header still counts
  // it): that wire is then an intermediate, and the input's freedom moves to other wires, which
  // one-wire probing would report as free. Refused rather than misread.
  if (opts.sym) {
    for (let i = firstInput; i < firstIntermediate; i++) {
      if (!(names.get(i) ?? []).some((n) => /^main\.[^.]+$/.test(n))) {
        throw new ProverError(`soundness probe: wire ${i} should be an input but is ${(names.get(i) ?? ["unnamed"]).join(" = ")}: circom --O2 substituted a private input away, so the probe cannot tell the input's freedom from an under-constrained wire (make the input public, as signals that are public are never substituted)`);
      }
    }
  }
  const benign = opts.benign ?? knownBenign;
  const report: ProbeReport = { probed: 0, free: [], benign: [], ms: 0 };
  for (let i = 1; i < r.nWires; i++) {
    if (!probed(i)) continue; // inputs: the prover's (or verifier's) choice
    report.probed++;
    let fixed: bigint | undefined; // the one nonzero d allowed so far; undefined = any d
    let pinned = false;
    const quadratic: [bigint, bigint][] = [];
    for (const [k, ai, bi, ci] of occ[i]) {
      const alpha = mod(ai * bi, p), beta = mod(ai * bv[k] + bi * av[k] - ci, p);
      if (alpha === 0n) {
        if (beta !== 0n) { pinned = true; break; }
      } else quadratic.push([alpha, beta]);
    }
    if (pinned) continue;
    for (const [alpha, beta] of quadratic) {
      const d = fixed ?? mod(-beta * inverse(alpha, p), p);
      if (d === 0n || mod(d * (alpha * d + beta), p) !== 0n) { pinned = true; break; }
      fixed = d;
    }
    if (pinned) continue;
    const f: FreeWire = {
      wire: i,
      names: names.get(i) ?? ["?"],
      kind: i < firstInput ? "output" : "intermediate",
      value: w[i],
      alternative: mod(w[i] + (fixed ?? 1n), p),
      anyValue: fixed === undefined,
    };
    (benign(f, w, opts.sym) ? report.benign : report.free).push(f);
  }
  report.ms = Date.now() - t0;
  return report;
}

/** "wire 12 (main.g0.out[3], output): 5 → 6 keeps every constraint satisfied", for messages. */
export function describeFree(f: FreeWire): string {
  return `wire ${f.wire} (${f.names.join(" = ")}, ${f.kind}): ${f.value} → ${f.alternative}${f.anyValue ? " (or any value)" : ""} keeps every constraint satisfied`;
}
