/**
 * Which chain instance an escrow request lives on, as the job store keys it:
 * "<chainId>/<escrow>/<genesis hash>", plus "/<instanceId>" on a Hardhat node.
 *
 * Chain id and escrow address alone do not tell two development chains apart: a restarted
 * Hardhat or anvil node (the embedded chain of `npm start` lives in memory) gets the contracts
 * redeployed at the same addresses (same deployer, same nonces) and numbers requests from 1
 * again. What differs between two instances:
 * - the genesis block's hash: Hardhat and anvil stamp the genesis with the node's start time
 *   (seconds), so two starts differ unless the time is pinned (Hardhat 2.29, two starts of the
 *   same config 3 s apart: genesis 0xa05b8a6b… and 0x6d9ebdd9…, same state root);
 * - a Hardhat node's hardhat_metadata.instanceId: random per start and per hardhat_reset, so it
 *   tells instances apart even with a pinned genesis time (hardhat's initialDate).
 * A public chain's genesis never changes, so its rows never look gone.
 */
import type { JsonRpcProvider } from "ethers";
import { SettlementError } from "./errors.ts";

export interface ChainKey {
  /** The whole key, stored with every escrow row. */
  key: string;
  /** "<chainId>/<escrow>/": a row with this prefix and another key lived on a replaced instance. */
  sameChain: string;
}

export async function readChainKey(provider: JsonRpcProvider, chainId: number, escrow: string): Promise<ChainKey> {
  const sameChain = `${chainId}/${escrow.toLowerCase()}/`;
  const genesis = (await provider.send("eth_getBlockByNumber", ["0x0", false])) as { hash?: unknown } | null;
  if (typeof genesis?.hash !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(genesis.hash)) {
    throw new SettlementError(`options.chain.rpcUrl: chain ${chainId} returned no genesis block (eth_getBlockByNumber 0x0), so its instance cannot be told apart from a restarted one`, true);
  }
  let key = `${sameChain}${genesis.hash.toLowerCase()}`;
  try {
    const meta = (await provider.send("hardhat_metadata", [])) as { instanceId?: unknown } | null;
    if (typeof meta?.instanceId === "string" && /^0x[0-9a-fA-F]{64}$/.test(meta.instanceId)) key += `/${meta.instanceId.toLowerCase()}`;
  } catch {
    // Not a Hardhat node (anvil, geth, a public chain): the genesis hash is the instance.
  }
  return { key, sameChain };
}
