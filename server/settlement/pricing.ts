/**
 * The payment terms of a served model: the chain-wide least ETH price, accepted tokens and
 * deadline margin, with the model's chain.modelPrices entry (by name, else by id) applied; and
 * whether a paid request for the model can be served here at all. Read by infer's admission
 * and by GET /v1/models/{id}/price, so the price a client reads is the price infer checks.
 */
import { getAddress } from "ethers";
import type { ChainConfig } from "../config/index.ts";
import type { ModelInfo, PaymentInfo } from "../core/types.ts";

export interface Terms {
  /** null: ETH not accepted. */
  minPriceWei: bigint | null;
  /** Accepted ERC-20 tokens: lower-case address → least amount. */
  tokens: Map<string, bigint>;
  minDeadlineSeconds: number;
}

/** Where this server settles: the payee and escrow a request must name. */
export interface SettlementSite {
  chainId: number;
  escrow: string;
  operator: string;
}

type ModelView = Pick<ModelInfo, "id" | "name" | "visibility" | "verifierAddress">;

export function termsFor(chain: ChainConfig, m: Pick<ModelInfo, "id" | "name">): Terms {
  const o = chain.modelPrices[m.name] ?? chain.modelPrices[m.id] ?? {};
  const minPriceWei = o.minPriceWei !== undefined ? o.minPriceWei : chain.minPriceWei;
  return {
    minPriceWei: minPriceWei === null ? null : BigInt(minPriceWei),
    tokens: new Map((o.tokens ?? chain.tokens).map((t) => [t.address.toLowerCase(), BigInt(t.minAmount)])),
    minDeadlineSeconds: o.minDeadlineSeconds ?? chain.minDeadlineSeconds,
  };
}

/** Why no escrow request for `m` can be served here; undefined when one can. */
export function unpaidReason(m: ModelView, site: SettlementSite | undefined): string | undefined {
  if (m.visibility.input === "public") return `model ${m.name} has a public input, so no escrow request can be bound to it (the escrow needs an input commitment)`;
  if (m.visibility.output === "hashed") {
    return `model ${m.name} has a hashed output: the escrow refuses such models (ModelOutputHashed), since the client could open the output it paid for only with a salt the operator may withhold`;
  }
  if (!site) return "settlement is not configured on this server (options.chain: rpcUrl, privateKey, escrow)";
  if (!m.verifierAddress) return `model ${m.name} is not registered in the escrow's model registry on chain ${site.chainId} (run: zkinfer deploy ${m.name})`;
  return undefined;
}

export function paymentInfo(chain: ChainConfig, m: ModelView, site: SettlementSite | undefined): PaymentInfo {
  const t = termsFor(chain, m);
  const reason = unpaidReason(m, site);
  return {
    paidRequests: reason === undefined,
    ...(reason !== undefined ? { reason } : {}),
    ...(site ? { chainId: site.chainId, escrow: site.escrow, operator: site.operator } : {}),
    accepted: {
      eth: t.minPriceWei === null ? null : { minPriceWei: t.minPriceWei.toString() },
      tokens: [...t.tokens].map(([address, min]) => ({ address: getAddress(address), minAmount: min.toString() })),
    },
    minDeadlineSeconds: t.minDeadlineSeconds,
  };
}

/** chain.modelPrices keys that name no loaded model (a typo, or a model not served by this start). */
export function unknownPriceKeys(chain: ChainConfig, models: Pick<ModelInfo, "id" | "name">[]): string[] {
  const known = new Set(models.flatMap((m) => [m.id, m.name]));
  return Object.keys(chain.modelPrices).filter((k) => !known.has(k));
}
