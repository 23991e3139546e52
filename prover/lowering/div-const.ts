/**
 * Division of a non-negative value by a constant that is not a power of two (an average over
 * a window of 9 or 49, a mean over 5 features): quotient and remainder are hints, pinned by
 * in = q·d + r and range checks of q and of 0 <= r < d (template DivConst). A power of two
 * needs none of that: its quotient is a slice of one bit decomposition (see requant.ts).
 */
import { ProverError } from "../errors.ts";
import { addLin, constLin, signalLin, type Lin } from "./linexpr.ts";
import type { Lowering } from "./lowering.ts";

/** Number of bits of v >= 0 (0 for 0). */
const bitLength = (v: bigint): number => v.toString(2).length - (v === 0n ? 1 : 0);

/**
 * The DivConst parameters for x in [min, max], min >= 0: the quotient ranges over
 * [qmin, qmax]; the template divides x - qmin·d, whose quotient needs Q bits, and checks the
 * remainder with two R-bit decompositions. Constraints: Q + 2R (the linear ones --O2 removes).
 */
export function divConstShape(min: bigint, max: bigint, d: bigint): { qmin: bigint; qmax: bigint; Q: number; R: number; cost: number } {
  const qmin = min / d, qmax = max / d;
  const Q = bitLength(qmax - qmin), R = bitLength(d - 1n);
  return { qmin, qmax, Q, R, cost: qmin === qmax ? 0 : Q + 2 * R };
}

/** floor(x / d) for a constant d >= 2 and a value x >= 0 (where: the node, for errors). */
export function lowerDivConst(x: Lin, d: bigint, ctx: Lowering, where: string): Lin {
  if (d < 2n) throw new ProverError(`${where}: division by the constant ${d} is not a division by a constant >= 2`);
  if (x.min < 0n) {
    throw new ProverError(`${where}: division by ${d} of a value that may be negative (bounds [${x.min}, ${x.max}]); only values >= 0 are supported (add an offset first)`);
  }
  if (x.terms.size === 0) return constLin(x.c / d);
  const s = divConstShape(x.min, x.max, d);
  // Every admissible x has the same quotient: a constant, no constraint.
  if (s.cost === 0) return constLin(s.qmin);
  const name = ctx.fresh("dv");
  ctx.emit(`component ${name} = DivConst(${s.Q}, ${s.R}, ${d});`);
  ctx.assign(`${name}.in`, addLin(x, constLin(-s.qmin * d)));
  ctx.addCost(s.cost);
  return addLin(signalLin(`${name}.out`, 0n, s.qmax - s.qmin), constLin(s.qmin));
}
