/**
 * Comparisons of two run-time values in the circuit, each one bit decomposition of their
 * difference (its width from the exact bounds). A comparison the bounds already decide costs
 * nothing.
 */
import { addLin, constLin, scaleLin, signalLin, type Lin } from "../lowering/linexpr.ts";
import type { Lowering } from "../lowering/lowering.ts";
import { offsetWidth } from "../lowering/requant.ts";
import { max2 } from "./max-pool.ts";

const big = (a: bigint, b: bigint) => (a > b ? a : b);
const small = (a: bigint, b: bigint) => (a < b ? a : b);

export { max2 };

/** min(a, b) = a + b - max(a, b): the Max2 of the pair, and no more. */
export function min2(a: Lin, b: Lin, ctx: Lowering): Lin {
  if (a.max <= b.min) return a;
  if (b.max <= a.min) return b;
  const s = addLin(addLin(a, b), scaleLin(max2(a, b, ctx), -1n));
  return { ...s, min: small(a.min, b.min), max: small(a.max, b.max) };
}

export function sub(a: Lin, b: Lin): Lin {
  return addLin(a, scaleLin(b, -1n));
}

/**
 * 1 if a >= b, else 0. With d = a - b in [-2^B, 2^B), ReluRescale(B + 1, B) of d + 2^B (in
 * [0, 2^(B+1))) is floor((d + 2^B) / 2^B), exactly that bit: the library's unique decomposition
 * pins it, so no value of the hint can flip it. B + 3 constraints.
 */
export function geBit(a: Lin, b: Lin, ctx: Lowering): Lin {
  if (a.min >= b.max) return constLin(1n);
  if (a.max < b.min) return constLin(0n);
  const d = sub(a, b);
  const B = offsetWidth(d.min, d.max, 0);
  const name = ctx.fresh("r");
  ctx.emit(`component ${name} = ReluRescale(${B + 1}, ${B});`);
  ctx.assign(`${name}.in`, addLin(d, constLin(1n << BigInt(B))));
  ctx.addCost(B + 3);
  return signalLin(`${name}.out`, 0n, 1n);
}

/** take ? y : x, one constraint (none when take is a constant), with bounds the hull of both. */
export function select(take: Lin, y: Lin, x: Lin, ctx: Lowering): Lin {
  if (take.terms.size === 0) return take.c === 0n ? x : y;
  const s = addLin(x, ctx.mul(take, sub(y, x)));
  return { ...s, min: small(x.min, y.min), max: big(x.max, y.max) };
}
