/**
 * A running gateway's GET /v1/chain: where it settles (chain id, RPC URL, operator, the registry,
 * escrow and oracle) and each model's id, verifier and payment terms. `--gateway <url>` reads it
 * so chain commands need no addresses; every field is checked before use, naming it.
 */
import { getAddress, isAddress } from "ethers";
import { UsageError } from "./args.ts";

export interface GatewayModel {
  /** The sha256 model id (hex, as GET /v1/models lists it). */
  id: string;
  name: string;
  verifier: string | null;
  /** Exactly what GET /v1/models/{id}/price answers. */
  payment: GatewayPayment;
}

export interface GatewayPayment {
  paidRequests?: boolean;
  reason?: string;
  operator?: string;
  escrow?: string;
  accepted?: { eth?: { minPriceWei: string } | null };
  minDeadlineSeconds?: number;
}

export interface GatewayChain {
  chainId: number;
  rpcUrl: string | null;
  operator: string;
  contracts: { registry: string; escrow: string; oracle: string | null };
  models: GatewayModel[];
}

/** How long the gateway may take to answer. */
export const GATEWAY_TIMEOUT_MS = 15_000;

export function gatewayUrl(v: string | boolean | undefined): string {
  if (typeof v !== "string" || !v) throw new UsageError("--gateway: expected the gateway's base URL, e.g. http://127.0.0.1:8080");
  let u: URL;
  try { u = new URL(v); } catch { throw new UsageError(`--gateway: ${JSON.stringify(v)} is not an http(s):// URL`); }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new UsageError(`--gateway: ${JSON.stringify(v)} is not an http(s):// URL`);
  return v.replace(/\/+$/, "");
}

/** GET <gateway>/v1/chain, checked; every failure is a --gateway error. */
export async function readGatewayChain(base: string, apiKey?: string): Promise<GatewayChain> {
  const url = `${base}/v1/chain`;
  let res: Response;
  try {
    res = await fetch(url, { headers: apiKey ? { "x-api-key": apiKey } : {}, signal: AbortSignal.timeout(GATEWAY_TIMEOUT_MS) });
  } catch (e) {
    throw new UsageError(`--gateway: cannot reach ${url}: ${(e as Error).message}`);
  }
  const text = await res.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  if (!res.ok) {
    const msg = (body as { error?: { message?: string }; message?: string } | undefined);
    throw new UsageError(`--gateway: ${url} answered ${res.status}${res.status === 404 ? " (the gateway has no chain configured?)" : ""}: ${msg?.error?.message ?? msg?.message ?? text.slice(0, 200)}`);
  }
  return checkChain(body, url);
}

function checkChain(b: unknown, url: string): GatewayChain {
  const bad = (field: string, why: string): never => { throw new UsageError(`--gateway: ${url}: ${field} ${why}`); };
  const o = (b ?? {}) as Record<string, unknown>;
  if (typeof b !== "object" || b === null) bad("the answer", "is not a JSON object");
  if (!Number.isSafeInteger(o.chainId) || (o.chainId as number) <= 0) bad("chainId", `is not a positive integer: ${JSON.stringify(o.chainId)}`);
  if (o.rpcUrl !== null && typeof o.rpcUrl !== "string") bad("rpcUrl", "is neither a URL nor null");
  const addr = (field: string, v: unknown, nullable = false): string | null => {
    if (nullable && (v === null || v === undefined)) return null;
    if (typeof v !== "string" || !isAddress(v)) return bad(field, `is not an address: ${JSON.stringify(v)}`);
    return getAddress(v);
  };
  const c = (o.contracts ?? {}) as Record<string, unknown>;
  const models = Array.isArray(o.models) ? o.models : bad("models", "is not an array");
  return {
    chainId: o.chainId as number,
    rpcUrl: (o.rpcUrl as string | null) ?? null,
    operator: addr("operator", o.operator)!,
    contracts: { registry: addr("contracts.registry", c.registry)!, escrow: addr("contracts.escrow", c.escrow)!, oracle: addr("contracts.oracle", c.oracle, true) },
    models: models.map((m: Record<string, unknown>, i: number) => {
      if (typeof m?.id !== "string" || typeof m.name !== "string") bad(`models[${i}]`, "lacks id or name");
      return { id: m.id as string, name: m.name as string, verifier: addr(`models[${i}].verifier`, m.verifier, true), payment: (m.payment ?? {}) as GatewayPayment };
    }),
  };
}
