/**
 * The service's answer to GET /v1/chain (gRPC GetChain): the chain settlement runs on, the
 * contracts, the operator, and each ready model's verifier and payment terms, so a client needs
 * nothing but the gateway's URL to pay for a proof or read an oracle feed.
 */
import type { ChainConfig } from "../config/index.ts";
import { ServiceError, type ChainInfo, type ModelInfo } from "../core/types.ts";
import { settlementEnabled, type Settlement } from "../settlement/index.ts";

export function chainInfo(settlement: Settlement | undefined, chain: ChainConfig, models: ModelInfo[]): ChainInfo {
  if (!settlement) {
    // Configured but not up yet: settlement starts once the models are loaded (it registers their verifiers).
    if (settlementEnabled(chain)) throw new ServiceError("UNAVAILABLE", "chain: settlement is starting (the models are still loading); try again shortly", "chain", 5);
    throw new ServiceError("NOT_FOUND", `chain: settlement is not configured on this server (options.chain.mode is ${chain.mode}; an external chain needs chain.rpcUrl, chain.privateKey and chain.escrow)`, "chain");
  }
  return {
    chainId: settlement.chainId,
    rpcUrl: chain.rpcUrl || null,
    operator: settlement.client.wallet.address,
    contracts: { registry: settlement.registry, escrow: settlement.client.address, oracle: chain.oracle || null },
    models: models.map((m) => ({ id: m.id, name: m.name, verifier: m.verifierAddress ?? null, payment: m.payment })),
  };
}
