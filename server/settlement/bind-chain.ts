/**
 * At start, before anything is resumed: binds the job store to the chain instance the server
 * settles on (chain-key.ts), so escrow ids of a restarted development chain never collide with
 * the rows of the gone one, and those rows say their chain is gone instead of being retried.
 */
import type { JsonRpcProvider } from "ethers";
import type { JobStore } from "../jobs/index.ts";
import type { ServiceLogger } from "../core/logger.ts";
import { readChainKey } from "./chain-key.ts";

export async function bindStoreToChain(provider: JsonRpcProvider, chainId: number, escrow: string, store: JobStore, log: ServiceLogger): Promise<string> {
  const { key, sameChain } = await readChainKey(provider, chainId, escrow);
  // Settled before version 4, where: the transaction is on this chain, or its chain is gone.
  let unknown = 0;
  for (const row of store.unkeyedSettled()) {
    const known = row.settlement_tx !== null && (await provider.getTransaction(row.settlement_tx)) !== null;
    if (!known) unknown++;
    store.keySettled(row.request_id, known ? key : null);
  }
  const b = store.bindChain(key, sameChain);
  if (b.gone || unknown) log.warn(`settlement: ${b.gone + unknown} job(s) on a chain that is gone (chain ${chainId} and escrow ${escrow} now answer as instance ${key.slice(sameChain.length)}); their unsettled escrow requests are failed, not retried`);
  if (b.adopted) log.info(`settlement: ${b.adopted} unsettled job(s) from before chain keys taken to be on chain ${key}`);
  if (b.elsewhere) log.warn(`settlement: ${b.elsewhere} unsettled job(s) belong to another chain id or escrow, or to a fork of this chain or the chain it forked; left for a start on theirs`);
  return key;
}
