/**
 * The second, stronger half of the soundness probe: a hint whose wrong value the wires computed
 * from it can absorb (`q <-- a \ b; r <== a - q*b` with no range check on r) keeps every
 * constraint satisfied when several wires change together, which one-wire probing misses. At a
 * witness w, such a family of witnesses shows as a direction d of the non-input wires with
 * J·d = 0, where J is the Jacobian of the constraints: row k, column i is
 * a_i·(B·w) + b_i·(A·w) − c_i. So the columns of J (one per output and intermediate wire) must be
 * linearly independent; a column that sparse Gaussian elimination (mod p) leaves without a pivot
 * names a wire that lies on such a direction.
 *
 * First order only: a direction of J is a witness family for linear constraints and to first
 * order for quadratic ones (a bit's b·(b − 1) has gradient 2b − 1 ≠ 0, so it never is one).
 */
import type { R1cs } from "./r1cs.ts";
import { ProverError } from "./errors.ts";

export interface RankReport {
  columns: number;
  rank: number;
  /** Wires whose column got no pivot, with their .sym names: each lies on a free direction. */
  dependent: { wire: number; names: string[] }[];
  ms: number;
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
 * `exclude`: wires known to be free alone and harmless (the benign ones of probeSoundness), kept
 * out of the columns. Throws past maxMs (elimination fill-in is not bounded in general).
 */
export function jacobianRank(r: R1cs, w: readonly bigint[], opts: { sym?: Map<string, number>; exclude?: Set<number>; maxMs?: number } = {}): RankReport {
  const t0 = Date.now(), p = r.prime, maxMs = opts.maxMs ?? 60_000;
  const firstInput = 1 + r.nOutputs, firstIntermediate = firstInput + r.nPubInputs + r.nPrvInputs;
  const isColumn = (i: number) => i > 0 && (i < firstInput || i >= firstIntermediate) && !opts.exclude?.has(i);
  const ev = (lc: Map<number, bigint>) => {
    let s = 0n;
    for (const [i, c] of lc) s += c * w[i];
    return mod(s, p);
  };
  const pivots = new Map<number, Map<number, bigint>>(); // column → row normalized to 1 there, other columns all larger
  for (const [k, [A, B, C]] of r.constraints.entries()) {
    if (Date.now() - t0 > maxMs) throw new ProverError(`soundness probe: the Jacobian rank took over ${maxMs} ms (at constraint ${k} of ${r.nConstraints})`);
    const av = ev(A), bv = ev(B);
    const row = new Map<number, bigint>();
    for (const i of new Set([...A.keys(), ...B.keys(), ...C.keys()])) {
      if (!isColumn(i)) continue;
      const g = mod((A.get(i) ?? 0n) * bv + (B.get(i) ?? 0n) * av - (C.get(i) ?? 0n), p);
      if (g !== 0n) row.set(i, g);
    }
    for (;;) {
      let lead = -1;
      for (const i of row.keys()) if (lead < 0 || i < lead) lead = i;
      if (lead < 0) break; // dependent on earlier rows: adds nothing
      const piv = pivots.get(lead);
      if (!piv) {
        const inv = inverse(row.get(lead)!, p);
        for (const [i, v] of row) row.set(i, mod(v * inv, p));
        pivots.set(lead, row);
        break;
      }
      const f = row.get(lead)!;
      for (const [i, v] of piv) {
        const nv = mod((row.get(i) ?? 0n) - f * v, p);
        if (nv === 0n) row.delete(i);
        else row.set(i, nv);
      }
    }
  }
  const names = new Map<number, string[]>();
  for (const [name, i] of opts.sym ?? []) if (i >= 0) names.set(i, [...(names.get(i) ?? []), name]);
  const dependent: RankReport["dependent"] = [];
  let columns = 0;
  for (let i = 1; i < r.nWires; i++) {
    if (!isColumn(i)) continue;
    columns++;
    if (!pivots.has(i)) dependent.push({ wire: i, names: names.get(i) ?? ["?"] });
  }
  return { columns, rank: pivots.size, dependent, ms: Date.now() - t0 };
}
