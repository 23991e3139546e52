/** Values of the request and oracle commands (ids, prices, deadlines, ages), each refused naming its flag. */
import { parseUnits } from "ethers";
import { UsageError } from "./args.ts";

const UINT64_MAX = 2n ** 64n - 1n;

/** A decimal id (--request, --feed): 1 or more; 0 is never an escrow request nor a feed. */
export function parseId(flag: string, v: string | boolean | undefined, what: string): bigint {
  if (typeof v !== "string" || !/^[0-9]{1,78}$/.test(v) || BigInt(v) === 0n || BigInt(v) >= 2n ** 256n) {
    throw new UsageError(v === undefined ? `missing --${flag} <id> (${what})` : `--${flag}: expected ${what} (a decimal number from 1), got ${JSON.stringify(v)}`);
  }
  return BigInt(v);
}

/** --price: wei as a whole number, or with a unit: "0.001eth", "50gwei". Must be more than 0. */
export function parsePrice(v: string | boolean | undefined): bigint {
  if (typeof v !== "string") throw new UsageError('missing --price <wei> (e.g. 1000000000000000, or "0.001eth", "50gwei")');
  const m = /^([0-9]+(?:\.[0-9]+)?)\s*(wei|gwei|eth)?$/i.exec(v.trim());
  let wei: bigint | undefined;
  try {
    if (m) wei = parseUnits(m[1]!, { wei: 0, gwei: 9, eth: 18 }[(m[2] ?? "wei").toLowerCase() as "wei"]);
  } catch { /* more decimals than the unit has: refused below */ }
  if (wei === undefined) throw new UsageError(`--price: ${JSON.stringify(v)} is not an amount: wei as a whole number, or with a unit (0.001eth, 50gwei)`);
  if (wei === 0n) throw new UsageError("--price: must be more than 0 (the escrow refuses a free request)");
  return wei;
}

/**
 * --deadline: a unix time in seconds, or "+<n>[s|m|h|d]" from the chain's current time. Resolved
 * against the chain's clock (`now`), which is what the escrow compares it with.
 */
export function parseDeadline(v: string | boolean | undefined, now: number): bigint {
  if (typeof v !== "string") throw new UsageError("missing --deadline <unix seconds | +<n>[s|m|h|d]> (after it, the request can only be refunded)");
  const rel = /^\+([0-9]{1,12})([smhd]?)$/.exec(v);
  let t: bigint;
  if (rel) t = BigInt(now) + BigInt(rel[1]!) * BigInt({ "": 1, s: 1, m: 60, h: 3600, d: 86400 }[rel[2] as ""]);
  else if (/^[0-9]{1,20}$/.test(v)) t = BigInt(v);
  else throw new UsageError(`--deadline: ${JSON.stringify(v)} is neither a unix time in seconds nor +<n>[s|m|h|d]`);
  if (t > UINT64_MAX) throw new UsageError(`--deadline: ${v} is past the escrow's uint64 range`);
  if (t <= BigInt(now)) throw new UsageError(`--deadline: ${v} (${new Date(Number(t) * 1000).toISOString()}) is not in the future: the chain's time is ${now} (${new Date(now * 1000).toISOString()})`);
  return t;
}

/** --max-age: seconds. */
export function parseSeconds(flag: string, v: string | boolean | undefined): bigint | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== "string" || !/^[0-9]{1,20}$/.test(v)) throw new UsageError(`--${flag}: expected a number of seconds, got ${JSON.stringify(v)}`);
  return BigInt(v);
}
