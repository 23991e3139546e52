/**
 * Settlement wired to a chain: connects to chain.rpcUrl with chain.privateKey, checks that
 * chain.escrow is an InferenceEscrow, reads each served model's verifier from the escrow's
 * registry (deploying and registering missing ones when chain.registerModels is on), and
 * returns the Settler the service feeds with proved jobs.
 */
import { Contract, type JsonRpcProvider } from "ethers";
import { connectChain } from "../../verifier-contracts/connect.ts";
import { VerifierContractsError } from "../../verifier-contracts/errors.ts";
import { compileZkinfer, type ZkinferArtifacts } from "../../verifier-contracts/contracts.ts";
import { deployModel, registeredVerifier } from "../../verifier-contracts/deploy-model.ts";
import type { ChainConfig } from "../config/index.ts";
import type { JobStore } from "../jobs/index.ts";
import type { ModelDir } from "../../prover/model-dir.ts";
import type { ModelInfo } from "../core/types.ts";
import type { ServiceLogger } from "../core/logger.ts";
import { SettlementError } from "./errors.ts";
import { EscrowClient } from "./escrow.ts";
import { bindStoreToChain } from "./bind-chain.ts";
import { registrationMismatch } from "./registration-check.ts";
import { Settler } from "./settler.ts";

export interface Settlement {
  settler: Settler;
  client: EscrowClient;
  chainId: number;
  /** The chain instance the store is bound to (see chain-key.ts). */
  chainKey: string;
  registry: string;
  /** model id (hex, as in the manifest) → verifier address, for the models the registry has. */
  verifiers: Map<string, string>;
  /** model id → why the registry's record cannot settle this server's proofs (registration-check.ts): no paid requests. */
  refused: Map<string, string>;
  /** Stops the settler and closes the connection. */
  close(): Promise<void>;
}

/** What settlement reads of a served model; the service's LoadedModel has it. */
export interface SettledModel {
  info: Pick<ModelInfo, "id" | "name">;
  dir: Pick<ModelDir, "manifest">;
  zkeyPath: string;
  vkey: unknown;
}

export interface SettlementDeps {
  store: JobStore;
  models: SettledModel[];
  log: ServiceLogger;
  notify(requestId: string): void;
}

/** True when the config names a chain to settle on (a "local" chain has its fields filled in by npm start). */
export function settlementEnabled(chain: ChainConfig): boolean {
  return chain.mode !== "off" && chain.rpcUrl !== "" && chain.privateKey !== "" && chain.escrow !== "";
}

/**
 * options.chain.oracle is only published (GET /v1/chain), but clients read proven values from it:
 * it must be a ProvenOracle over the escrow's registry, or the server would point them elsewhere.
 */
async function checkOracle(address: string, registry: string, provider: JsonRpcProvider, artifacts: ZkinferArtifacts, chainId: number): Promise<void> {
  if ((await provider.getCode(address)) === "0x") throw new SettlementError(`options.chain.oracle: no contract at ${address} on chain ${chainId}`, true);
  const oracle = new Contract(address, artifacts.ProvenOracle.abi as never[], provider);
  let of: string;
  try {
    await oracle.getFunction("nextFeedId")();
    of = String(await oracle.getFunction("registry")());
  } catch (e) {
    throw new SettlementError(`options.chain.oracle: ${address} does not answer nextFeedId() and registry(); is it a ProvenOracle? (${(e as Error).message.split("\n")[0]})`, true);
  }
  if (of.toLowerCase() !== registry.toLowerCase()) throw new SettlementError(`options.chain.oracle: ${address} reads registry ${of}, but the escrow's registry is ${registry}`, true);
}

export async function startSettlement(chain: ChainConfig, deps: SettlementDeps): Promise<Settlement> {
  const { log } = deps;
  // The one chain connection (verifier-contracts/connect.ts): chain id learnt once, then static.
  let conn;
  try {
    conn = await connectChain(chain.rpcUrl, chain.privateKey);
  } catch (e) {
    throw e instanceof VerifierContractsError ? new SettlementError(`options.chain.rpcUrl: ${e.message}`, true) : e;
  }
  const { provider, chainId } = conn;
  try {
    const wallet = conn.wallet!;
    const artifacts = compileZkinfer();
    if ((await provider.getCode(chain.escrow)) === "0x") {
      throw new SettlementError(`options.chain.escrow: no contract at ${chain.escrow} on chain ${chainId} (${chain.rpcUrl})`, true);
    }
    const client = new EscrowClient(chain.escrow, artifacts.InferenceEscrow.abi, wallet, provider);
    let registryAddress: string;
    try {
      registryAddress = String(await client.escrow.getFunction("registry")());
    } catch (e) {
      throw new SettlementError(`options.chain.escrow: ${chain.escrow} does not answer registry(); is it an InferenceEscrow? (${(e as Error).message.split("\n")[0]})`, true);
    }
    if (chain.oracle) await checkOracle(chain.oracle, registryAddress, provider, artifacts, chainId);
    const registry = new Contract(registryAddress, artifacts.ModelRegistry.abi as never[], wallet);
    const verifiers = new Map<string, string>();
    const refused = new Map<string, string>();
    for (const m of deps.models) {
      const id = `0x${m.info.id}`;
      let verifier = await registeredVerifier(registry, id);
      if (!verifier && chain.registerModels) {
        const t0 = Date.now();
        const r = await deployModel(wallet, registry, { manifest: m.dir.manifest, zkeyPath: m.zkeyPath, metadataURI: `zkinfer:${m.info.name}` });
        verifier = r.verifier;
        log.info(`model ${m.info.name}: verifier ${verifier} deployed and registered in ${Date.now() - t0} ms`);
      } else if (verifier) {
        // A record this start did not make may be another setup's, layout's or weights'.
        const why = await registrationMismatch(registry, provider, m.dir.manifest, m.zkeyPath, m.vkey as Record<string, unknown>);
        if (why) {
          refused.set(m.info.id, why);
          log.warn(`model ${m.info.name}: ${why}; it takes no paid requests`);
        }
      }
      if (verifier) verifiers.set(m.info.id, verifier);
      else log.warn(`model ${m.info.name}: not in registry ${registryAddress}; escrow requests for it cannot be opened (run: zkinfer deploy ${m.info.name})`);
    }
    const chainKey = await bindStoreToChain(provider, chainId, chain.escrow, deps.store, log);
    const settler = new Settler({ store: deps.store, client, log, chain, notify: deps.notify });
    log.info(`settlement on chain ${chainId} (${chain.rpcUrl}): escrow ${chain.escrow}, registry ${registryAddress}, operator ${wallet.address}`);
    return {
      settler, client, chainId, chainKey, registry: registryAddress, verifiers, refused,
      async close() {
        await settler.stop();
        provider.destroy();
      },
    };
  } catch (e) {
    provider.destroy();
    throw e;
  }
}
