/**
 * Lowering of the one nonlinear step of an integer network: ReLU, rescale by 2^-K (floor),
 * clip to [0, 2^H - 1]. Whether it comes from one fused Relu→Div→Clip→Cast chain or from a
 * lone Relu, it is one bit decomposition of exactly the width the value's bounds need.
 */
import { ProverError } from "../errors.ts";
import { constLin, signalLin, type Lin } from "./linexpr.ts";
import type { Lowering } from "./lowering.ts";

export interface RequantSpec {
  relu: boolean;
  /** Divide by 2^shift, rounding toward zero (= floor, as the value is >= 0 here). */
  shift: number;
  lo: number | null;
  hi: number | null;
}

/** Smallest B >= minB with -2^B <= min and max < 2^B. */
export function offsetWidth(min: bigint, max: bigint, minB: number): number {
  let b = minB;
  while (max >= 1n << BigInt(b) || min < -(1n << BigInt(b))) b++;
  return b;
}

function floorDiv(a: bigint, k: number): bigint {
  const d = 1n << BigInt(k);
  return a >= 0n ? a / d : -((-a + d - 1n) / d);
}

/** Integer semantics of the spec, the reference for the circuit. */
export function requantValue(v: bigint, s: RequantSpec): bigint {
  let x = s.relu && v < 0n ? 0n : v;
  x = x >= 0n ? x / (1n << BigInt(s.shift)) : -(-x / (1n << BigInt(s.shift))); // truncation, as ONNX Div
  if (s.lo !== null && x < BigInt(s.lo)) x = BigInt(s.lo);
  if (s.hi !== null && x > BigInt(s.hi)) x = BigInt(s.hi);
  return x;
}

/** Constraints a requant of a value in [min, max] costs (after circom --O2). */
export function requantCost(min: bigint, max: bigint, s: RequantSpec): number {
  if (max < 0n || (min === max)) return 0;
  const B = offsetWidth(min, max, s.shift);
  const qmax = floorDiv(max, s.shift);
  const clip = s.hi !== null && BigInt(s.hi) < qmax;
  return B + 1 + (clip ? 4 : 1);
}

export function lowerRequant(x: Lin, s: RequantSpec, ctx: Lowering, where: string): Lin {
  if (!s.relu && x.min < 0n) {
    throw new ProverError(`${where}: rescale/clip of a value that may be negative (bounds [${x.min}, ${x.max}]) is only supported after a Relu`);
  }
  if (s.lo !== null && s.lo > 0) throw new ProverError(`${where}: clip with a minimum above 0 (${s.lo}) is not supported`);
  if (x.terms.size === 0 || x.max < 0n) {
    // A constant, or a value the Relu always zeroes: the rest of the chain (a clip with a
    // negative max included) still applies to that constant.
    return constLin(requantValue(x.terms.size === 0 ? x.c : 0n, s));
  }
  const B = offsetWidth(x.min, x.max, s.shift);
  const qmax = floorDiv(x.max, s.shift);
  const name = ctx.fresh("r");
  if (s.hi === null || BigInt(s.hi) >= qmax) {
    ctx.emit(`component ${name} = ReluRescale(${B}, ${s.shift});`);
    ctx.assign(`${name}.in`, x);
    ctx.addCost(B + 2);
    return signalLin(`${name}.out`, 0n, qmax);
  }
  const H = Math.log2(s.hi + 1);
  if (!Number.isInteger(H) || H < 1) {
    throw new ProverError(`${where}: clip maximum ${s.hi} must be 2^H - 1 (e.g. 127 for int8)`);
  }
  ctx.emit(`component ${name} = ReluRescaleClip(${B}, ${s.shift}, ${H});`);
  ctx.assign(`${name}.in`, x);
  ctx.addCost(B + 5);
  return signalLin(`${name}.out`, 0n, BigInt(s.hi));
}
