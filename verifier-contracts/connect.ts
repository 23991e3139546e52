/**
 * The one way zkinfer connects to a JSON-RPC chain (the CLI's deploy and settle, the server's
 * settlement): learn the chain id once, with a time limit, then keep it static, so an RPC outage
 * is an error naming the URL, not a hang or ethers' "network changed".
 */
import { JsonRpcProvider, Network, Wallet } from "ethers";
import { VerifierContractsError } from "./errors.ts";

export interface ChainConnection {
  provider: JsonRpcProvider;
  chainId: number;
  /** A signer on the provider, when a key was given. */
  wallet?: Wallet;
}

/** How long the first call may take before the endpoint counts as unreachable. */
export const RPC_PROBE_TIMEOUT_MS = 15_000;

/**
 * Connects to `url` (and signs with `privateKey`, when given). The error message names the URL;
 * callers prefix their option (--rpc, options.chain.rpcUrl).
 * @example const { provider, wallet, chainId } = await connectChain("http://127.0.0.1:8545", key);
 */
export async function connectChain(url: string, privateKey?: string, timeoutMs = RPC_PROBE_TIMEOUT_MS): Promise<ChainConnection & { wallet: Wallet | undefined }> {
  const probe = new JsonRpcProvider(url, undefined, { staticNetwork: true });
  let chainId: number;
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    });
    chainId = Number((await Promise.race([probe.getNetwork(), timeout])).chainId);
  } catch (e) {
    throw new VerifierContractsError(`cannot reach ${url}: ${(e as Error).message.split("\n")[0]}`, { cause: e });
  } finally {
    clearTimeout(timer);
    probe.destroy();
  }
  // cacheTimeout -1: no 250 ms answer cache, so a nonce or a receipt is never read stale (two
  // transactions back to back must not read the same cached nonce).
  const provider = new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, cacheTimeout: -1, pollingInterval: 100 });
  try {
    return { provider, chainId, wallet: privateKey === undefined ? undefined : new Wallet(privateKey, provider) };
  } catch (e) {
    provider.destroy();
    throw new VerifierContractsError(`the private key for ${url} is not a valid secp256k1 key (${(e as Error).message.split("\n")[0].slice(0, 80).replace(/0x[0-9a-fA-F]{64}/g, "0x…")})`);
  }
}
