/**
 * Where a chain command (request, oracle) sends: --rpc and the contract's flag (--escrow,
 * --oracle), or what a gateway's GET /v1/chain names with --gateway. Flags win where both are
 * given (an RPC URL the gateway sees may not be the one you reach), but a contract the gateway
 * does not use, or another chain than the gateway's, is refused: it would not be served.
 */
import { getAddress, type Contract, type JsonRpcProvider, type Wallet } from "ethers";
import { attachContract, compileZkinfer, revertErrorName } from "../verifier-contracts/contracts.ts";
import { connectChain } from "../verifier-contracts/connect.ts";
import { VerifierContractsError } from "../verifier-contracts/errors.ts";
import { UsageError } from "./args.ts";
import { address, needCode, rpcUrl } from "./chain-args.ts";
import { gatewayUrl, readGatewayChain, type GatewayChain } from "./gateway-chain.ts";

export type ContractFlag = "escrow" | "oracle";
type Values = Record<string, string | boolean | undefined>;

export const CHAIN_OPTIONS = { rpc: { type: "string" }, gateway: { type: "string" }, "api-key": { type: "string" } } as const;

export const CHAIN_USAGE = `  --rpc      JSON-RPC endpoint of the chain
  --gateway  a running zkinfer gateway: the chain, its contracts and operator from its GET /v1/chain
             (--rpc and the contract flag, when given, must be the gateway's chain and contract)
  --api-key  the gateway's API key, if it asks for one (default: $ZKINFER_API_KEY)`;

export interface ChainTarget {
  rpcUrl: string;
  /** The contract's address (the flag's, else the gateway's). */
  address: string;
  gateway?: GatewayChain & { url: string };
}

export async function chainTarget(v: Values, flag: ContractFlag): Promise<ChainTarget> {
  let gateway: ChainTarget["gateway"];
  if (v.gateway !== undefined) {
    const url = gatewayUrl(v.gateway);
    const key = typeof v["api-key"] === "string" ? v["api-key"] : process.env.ZKINFER_API_KEY;
    gateway = { ...(await readGatewayChain(url, key)), url };
  }
  let url: string;
  if (v.rpc !== undefined) url = rpcUrl(v.rpc);
  else if (gateway?.rpcUrl) url = rpcUrl(gateway.rpcUrl);
  else throw new UsageError(gateway ? `missing --rpc <url>: the gateway at ${gateway.url} does not say where its chain is reachable (rpcUrl null)` : "missing --rpc <url> (the chain's JSON-RPC endpoint) or --gateway <url>");
  const theirs = gateway?.contracts[flag];
  let addr: string;
  if (v[flag] !== undefined) {
    addr = getAddress(address(flag, v[flag]));
    if (gateway && theirs !== addr) throw new UsageError(`--${flag}: ${addr} is not the ${flag} of the gateway at ${gateway.url} (${theirs ?? "none"}): it would not serve this`);
  } else if (theirs) addr = theirs;
  else throw new UsageError(gateway ? `missing --${flag} <address>: the gateway at ${gateway.url} names no ${flag}` : `missing --${flag} <address> (or --gateway <url>)`);
  return { rpcUrl: url, address: addr, gateway };
}

export interface Connected {
  provider: JsonRpcProvider;
  /** A signer, when a key was given. */
  wallet?: Wallet;
  chainId: number;
  /** The escrow or oracle, checked to be one (it answers registry(), the gateway's when there is one). */
  contract: Contract;
}

/** Connects (and signs with `key`), checks the chain is the gateway's and the contract is what the flag says. */
export async function connectTarget(t: ChainTarget, flag: ContractFlag, key?: string): Promise<Connected> {
  let c;
  try {
    c = await connectChain(t.rpcUrl, key);
  } catch (e) {
    throw e instanceof VerifierContractsError ? new UsageError(`--rpc: ${e.message}`) : e;
  }
  try {
    if (t.gateway && c.chainId !== t.gateway.chainId) throw new UsageError(`--rpc: ${t.rpcUrl} is chain ${c.chainId}, but the gateway at ${t.gateway.url} settles on chain ${t.gateway.chainId}`);
    const name = flag === "escrow" ? "InferenceEscrow" : "ProvenOracle";
    await needCode(c.provider, flag, t.address, name);
    const contract = attachContract(compileZkinfer(), name, t.address, (c.wallet ?? c.provider) as never);
    // registry() alone would take the oracle for an escrow (both have one): each has its own counter too.
    const counter = flag === "escrow" ? "nextRequestId" : "nextFeedId";
    let registry: string;
    try {
      registry = getAddress(String(await contract.getFunction("registry")()));
      await contract.getFunction(counter)();
    } catch {
      throw new UsageError(`--${flag}: the contract at ${t.address} does not answer registry() and ${counter}(): not a ${name}`);
    }
    if (t.gateway && registry !== t.gateway.contracts.registry) throw new UsageError(`--${flag}: ${t.address} reads registry ${registry}, not the gateway's ${t.gateway.contracts.registry}`);
    return { provider: c.provider, wallet: c.wallet, chainId: c.chainId, contract };
  } catch (e) {
    c.provider.destroy();
    throw e;
  }
}

/** The latest block's timestamp: deadlines and ages are measured on the chain's clock, not ours. */
export async function chainTime(provider: JsonRpcProvider): Promise<number> {
  return (await provider.getBlock("latest"))!.timestamp;
}

/** The registry record of `modelId` (bytes32) behind the escrow or oracle, or undefined when it has none. */
export async function registryRecord(c: Connected, modelId: string): Promise<{ registry: string; record?: { deprecated: boolean; nPublic: bigint; nonceIndex: bigint } }> {
  const registry = getAddress(String(await c.contract.getFunction("registry")()));
  const reg = attachContract(compileZkinfer(), "ModelRegistry", registry, c.provider as never);
  try {
    return { registry, record: await reg.getFunction("model")(modelId) };
  } catch (e) {
    if (revertErrorName(reg, e) === "ModelNotRegistered") return { registry };
    throw e;
  }
}
