/**
 * Validation of the payment terms under chain.*: the least ETH price, the accepted ERC-20
 * tokens and the per-model overrides. Amounts are decimal strings (wei do not fit a JSON
 * number), so each is checked to be a whole number below 2^256, naming the option at fault.
 */
import type { ChainConfig } from "./defaults.ts";

type Fail = (msg: string) => never;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const PRICE_KEYS = new Set(["minDeadlineSeconds", "minPriceWei", "tokens"]);
const TOKEN_KEYS = new Set(["address", "minAmount"]);

function amount(fail: Fail, name: string, v: unknown): void {
  if (typeof v !== "string" || !/^[0-9]{1,78}$/.test(v) || BigInt(v) >= 2n ** 256n) {
    fail(`${name} must be a whole number below 2^256 as a decimal string, e.g. "1000000000000000" (got ${JSON.stringify(v)})`);
  }
}

function deadline(fail: Fail, name: string, v: unknown): void {
  if (!isInt(v) || v < 0) fail(`${name} must be a non-negative integer number of seconds (got ${JSON.stringify(v)})`);
}

function minPrice(fail: Fail, name: string, v: unknown): void {
  if (v !== null) amount(fail, name, v);
}

function tokens(fail: Fail, name: string, v: unknown): void {
  if (!Array.isArray(v)) return fail(`${name} must be an array of { address, minAmount } (got ${JSON.stringify(v)})`);
  const seen = new Set<string>();
  v.forEach((t: unknown, i) => {
    const at = `${name}[${i}]`;
    if (typeof t !== "object" || t === null || Array.isArray(t)) return fail(`${at} must be an object { address, minAmount } (got ${JSON.stringify(t)})`);
    for (const k of Object.keys(t)) if (!TOKEN_KEYS.has(k)) fail(`${at}.${k} is not a known option (expected address, minAmount)`);
    const { address, minAmount } = t as Record<string, unknown>;
    if (typeof address !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(address)) fail(`${at}.address must be an address, 0x followed by 40 hex digits (got ${JSON.stringify(address)})`);
    const a = (address as string).toLowerCase();
    if (/^0x0{40}$/.test(a)) fail(`${at}.address is the zero address, which the escrow means as ETH; set chain.minPriceWei for ETH instead`);
    if (seen.has(a)) fail(`${at}.address ${address} is listed twice`);
    seen.add(a);
    amount(fail, `${at}.minAmount`, minAmount);
  });
}

/** chain.minDeadlineSeconds, minPriceWei, tokens, readTimeoutMs and modelPrices; throws through `fail`. */
export function validatePrices(ch: ChainConfig, fail: Fail): void {
  deadline(fail, "chain.minDeadlineSeconds", ch.minDeadlineSeconds);
  minPrice(fail, "chain.minPriceWei", ch.minPriceWei);
  tokens(fail, "chain.tokens", ch.tokens);
  if (!isInt(ch.readTimeoutMs) || ch.readTimeoutMs < 1) fail(`chain.readTimeoutMs must be a positive integer (got ${JSON.stringify(ch.readTimeoutMs)})`);
  const mp = ch.modelPrices;
  if (typeof mp !== "object" || mp === null || Array.isArray(mp)) return fail(`chain.modelPrices must be an object keyed by model name or id (got ${JSON.stringify(mp)})`);
  for (const [model, p] of Object.entries(mp)) {
    const at = `chain.modelPrices[${JSON.stringify(model)}]`;
    if (typeof p !== "object" || p === null || Array.isArray(p)) fail(`${at} must be an object { minPriceWei?, tokens?, minDeadlineSeconds? } (got ${JSON.stringify(p)})`);
    for (const k of Object.keys(p)) if (!PRICE_KEYS.has(k)) fail(`${at}.${k} is not a known option (expected minPriceWei, tokens, minDeadlineSeconds)`);
    if ("minDeadlineSeconds" in p) deadline(fail, `${at}.minDeadlineSeconds`, p.minDeadlineSeconds);
    if ("minPriceWei" in p) minPrice(fail, `${at}.minPriceWei`, p.minPriceWei);
    if ("tokens" in p) tokens(fail, `${at}.tokens`, p.tokens);
  }
}
