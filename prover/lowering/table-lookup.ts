/**
 * Lowering of a lookup in a constant table to the library's TableLookup(J, K, T) template
 * (circuits/lib/zkinfer.circom): the index, offset to 0..n-1, is decomposed into J + K bits;
 * the J low bits give every monomial of themselves (2^J - 1 - J products), the K high bits
 * select the row by halving (at most 2^K - 1 products). The split is chosen per table for the
 * fewest constraints: 34 for a generic 256-entry table (J = K = 4), 25 for 128 entries.
 * The cost is computed by running the template's selection symbolically, so that a product
 * circom folds away (its row difference is a constant) is not counted: it matches the R1CS.
 */
import { ProverError } from "../errors.ts";
import { addLin, constLin, signalLin, type Lin } from "./linexpr.ts";
import type { Lowering } from "./lowering.ts";

/** The widest index the circuit looks up (2^MAX_LOOKUP_BITS entries). */
export const MAX_LOOKUP_BITS = 8;

export interface LookupPlan {
  J: number;
  K: number;
  /** Constraints of one lookup after circom --O2. */
  cost: number;
}

/** A linear expression over the template's signals, for the cost simulation only. */
type Sym = { terms: Map<string, bigint>; c: bigint };

function combine(a: Sym, b: Sym, k: bigint): Sym {
  const terms = new Map(a.terms);
  for (const [s, v] of b.terms) {
    const x = (terms.get(s) ?? 0n) + k * v;
    if (x === 0n) terms.delete(s);
    else terms.set(s, x);
  }
  return { terms, c: a.c + k * b.c };
}

/** Constraints of TableLookup(J, K, T) after --O2, following the template step by step. */
export function lookupCost(T: bigint[], J: number, K: number): number {
  const L = 1 << J, H = 1 << K;
  const mono = (s: number): Sym => {
    if (s === 0) return { terms: new Map(), c: 1n };
    const single = (s & (s - 1)) === 0;
    return { terms: new Map([[single ? `b${Math.log2(s)}` : `m${s}`, 1n]]), c: 0n };
  };
  const V: Sym[] = [];
  for (let h = 0; h < H; h++) {
    const c = T.slice(h * L, h * L + L);
    for (let i = 0; i < J; i++) for (let s = 0; s < L; s++) if ((s >> i) & 1) c[s] -= c[s - (1 << i)];
    V.push(c.reduce((acc, v, s) => combine(acc, mono(s), v), { terms: new Map(), c: 0n } as Sym));
  }
  let products = 0;
  for (let k = 0; k < K; k++) {
    for (let p = 0; p < H >> (k + 1); p++) {
      const diff = combine(V[2 * p + 1], V[2 * p], -1n);
      // bit * constant is a linear constraint, which --O2 substitutes away.
      const t: Sym = diff.terms.size === 0 ? { terms: new Map([[`b${J + k}`, diff.c]]), c: 0n } : { terms: new Map([[`t${k}_${p}`, 1n]]), c: 0n };
      if (diff.terms.size > 0) products++;
      V[p] = combine(V[2 * p], t, 1n);
    }
  }
  return J + K + (L - 1 - J) + products;
}

/** The cheapest split of a table of 2^n entries (n >= 1). */
export function planLookup(T: bigint[]): LookupPlan {
  const n = Math.log2(T.length);
  if (!Number.isInteger(n) || n < 1 || n > MAX_LOOKUP_BITS) throw new Error(`lookup table of ${T.length} entries: must be 2^n, 1 <= n <= ${MAX_LOOKUP_BITS}`);
  let best: LookupPlan | undefined;
  for (let J = 0; J < n; J++) {
    const cost = lookupCost(T, J, n - J);
    if (!best || cost < best.cost) best = { J, K: n - J, cost };
  }
  return best!;
}

/**
 * out = entries[x - lo] for a value x known to lie in [lo, lo + entries.length - 1]. The table
 * is padded to a power of two with its last entry (never reached: x's bounds are exact).
 * Returns the output with its exact bounds; a constant when x can take one value only.
 */
export function lowerLookup(x: Lin, lo: bigint, entries: bigint[], ctx: Lowering, where: string): Lin {
  if (entries.length === 0 || x.min < lo || x.max - lo >= BigInt(entries.length)) {
    throw new ProverError(`${where}: index bounds [${x.min}, ${x.max}] exceed the table's ${entries.length} entries from ${lo}`);
  }
  const reach = entries.slice(Number(x.min - lo), Number(x.max - lo) + 1);
  // One reachable value, or a table constant over the reachable range: the output is a constant.
  if (x.terms.size === 0 || reach.every((v) => v === reach[0])) return constLin(reach[0]);
  let n = 1;
  while (1 << n < entries.length) n++;
  if (n > MAX_LOOKUP_BITS) throw new ProverError(`${where}: a table of ${entries.length} entries is over the ${1 << MAX_LOOKUP_BITS} supported`);
  const T = Array.from({ length: 1 << n }, (_, i) => entries[Math.min(i, entries.length - 1)]);
  const plan = planLookup(T);
  const tmpl = ctx.defineTemplate(`lut:${plan.J}:${plan.K}:${T.join(",")}`, "Lut", (name) => [
    `template ${name}() {`,
    "    signal input in;",
    "    signal output out;",
    `    var T[${T.length}] = [${T.join(", ")}];`,
    `    component c = TableLookup(${plan.J}, ${plan.K}, T);`,
    "    c.in <== in;",
    "    out <== c.out;",
    "}",
    "",
  ].join("\n"));
  const name = ctx.fresh("l");
  ctx.emit(`component ${name} = ${tmpl}();`);
  ctx.assign(`${name}.in`, addLin(x, constLin(-lo)));
  ctx.addCost(plan.cost);
  const min = reach.reduce((a, b) => (b < a ? b : a)), max = reach.reduce((a, b) => (b > a ? b : a));
  return signalLin(`${name}.out`, min, max);
}
