/**
 * Linear expressions over circuit signals with exact integer bounds. A dense or convolution
 * layer with constant weights is only a linear combination of its input signals, which costs
 * no constraint in R1CS; the bounds decide how many bits the next nonlinear step needs.
 */

export interface Lin {
  /** signal reference (e.g. "x[3]", "r12.out") -> integer coefficient */
  terms: Map<string, bigint>;
  c: bigint;
  /** Exact bounds of the value over every admissible input. */
  min: bigint;
  max: bigint;
}

export function signalLin(ref: string, min: bigint, max: bigint): Lin {
  return { terms: new Map([[ref, 1n]]), c: 0n, min, max };
}

export function constLin(v: bigint): Lin {
  return { terms: new Map(), c: v, min: v, max: v };
}

export function addLin(a: Lin, b: Lin): Lin {
  const terms = new Map(a.terms);
  for (const [k, v] of b.terms) {
    const s = (terms.get(k) ?? 0n) + v;
    if (s === 0n) terms.delete(k);
    else terms.set(k, s);
  }
  return { terms, c: a.c + b.c, min: a.min + b.min, max: a.max + b.max };
}

export function scaleLin(a: Lin, k: bigint): Lin {
  if (k === 0n) return constLin(0n);
  const terms = new Map<string, bigint>();
  for (const [s, v] of a.terms) terms.set(s, v * k);
  const lo = a.min * k, hi = a.max * k;
  return { terms, c: a.c * k, min: lo < hi ? lo : hi, max: lo < hi ? hi : lo };
}

/** Sum of coefficient * signal with bounds summed term by term (inputs of a layer are independent). */
export function dot(xs: Lin[], ws: bigint[], bias: bigint): Lin {
  let acc = constLin(bias);
  for (let i = 0; i < xs.length; i++) if (ws[i] !== 0n) acc = addLin(acc, scaleLin(xs[i], ws[i]));
  return acc;
}

/** circom text of the expression; negative coefficients are written as such (circom reduces mod p). */
export function renderLin(a: Lin): string {
  const parts: string[] = [];
  for (const [s, v] of a.terms) parts.push(v === 1n ? s : v === -1n ? `-${s}` : `${v}*${s}`);
  if (a.c !== 0n || parts.length === 0) parts.push(String(a.c));
  return parts.join(" + ").replace(/\+ -/g, "- ");
}
