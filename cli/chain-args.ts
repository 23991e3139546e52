/** The chain options of `zkinfer deploy` and `zkinfer settle`: checked one by one, each error naming its flag. */
import { readFileSync } from "node:fs";
import { isAddress, type Contract, type JsonRpcProvider, type Wallet } from "ethers";
import { connectChain } from "../verifier-contracts/connect.ts";
import { VerifierContractsError } from "../verifier-contracts/errors.ts";
import { needFile, UsageError } from "./args.ts";
import { namedRevert } from "../verifier-contracts/revert.ts";

export function rpcUrl(v: string | boolean | undefined): string {
  if (typeof v !== "string" || !v) throw new UsageError("missing --rpc <url> (the chain's JSON-RPC endpoint)");
  let ok = false;
  try { ok = ["http:", "https:", "ws:", "wss:"].includes(new URL(v).protocol); } catch { /* not a URL */ }
  if (!ok) throw new UsageError(`--rpc: ${JSON.stringify(v)} is not an http(s):// or ws(s):// URL`);
  return v;
}

/**
 * The chain `zkinfer` and the tests start themselves: Hardhat's chain id on this machine. Any
 * other chain may hold value, so an untrusted key is not deployed there without being told.
 */
export function isEmbeddedLocalChain(url: string, chainId: number): boolean {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
  return chainId === 31337 && (host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host));
}

export function privateKey(v: string | boolean | undefined): string {
  if (typeof v !== "string" || !v) throw new UsageError("missing --key <hex> (the signer's private key)");
  const k = v.startsWith("0x") ? v : `0x${v}`;
  // The key itself is never echoed, only what is wrong with it.
  if (!/^0x[0-9a-fA-F]{64}$/.test(k)) throw new UsageError(`--key: expected 64 hex digits (optionally 0x-prefixed), got ${v.length} characters`);
  return k;
}

export function address(flag: string, v: string | boolean | undefined): string {
  if (typeof v !== "string" || !v) throw new UsageError(`missing --${flag} <address>`);
  if (!isAddress(v)) throw new UsageError(`--${flag}: ${JSON.stringify(v)} is not an address (0x followed by 40 hex digits)`);
  return v;
}

/** A signer on `url`, after checking the endpoint answers (else: a --rpc error, not a hang). */
export async function connect(url: string, key: string): Promise<{ wallet: Wallet; provider: JsonRpcProvider; chainId: number }> {
  try {
    const c = await connectChain(url, key);
    return { wallet: c.wallet!, provider: c.provider, chainId: c.chainId };
  } catch (e) {
    throw e instanceof VerifierContractsError ? new UsageError(`--rpc: ${e.message}`) : e;
  }
}

/** Checks there is a contract at `addr` (else: an error naming the flag). */
export async function needCode(provider: JsonRpcProvider, flag: string, addr: string, what: string): Promise<void> {
  if ((await provider.getCode(addr)) === "0x") throw new UsageError(`--${flag}: no contract at ${addr} (expected the ${what})`);
}

export function readJsonFile(flag: string, p: string | boolean | undefined): Record<string, unknown> {
  const file = needFile(`--${flag}`, typeof p === "string" ? p : undefined);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`--${flag}: ${file} is not valid JSON (${(e as Error).message})`);
  }
}

/** "RequestNotFound(7)" from a revert, with the flag that is most likely at fault. */
export function revertMessage(contract: Contract, err: unknown, flags: Record<string, string>): string | undefined {
  const named = namedRevert(contract, err);
  if (!named) return undefined;
  const flag = flags[named.slice(0, named.indexOf("("))];
  return `${flag ? `${flag}: ` : ""}the contract reverted with ${named}`;
}
