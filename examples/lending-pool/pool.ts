/**
 * The example's LendingPool contract: compiled with the npm `solc` the project uses (the same
 * compileSolidity as the zkinfer contracts, so the same on-disk cache), and deployed with ethers.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Contract, Signer } from "ethers";
import { compileSolidity, type CompiledContract } from "../../verifier-contracts/solc.ts";
import { deployContract, zkinferSources } from "../../verifier-contracts/contracts.ts";

const SOURCE = "examples/lending-pool/LendingPool.sol";

/** LendingPool and the oracle interfaces it imports, keyed by their paths from the repository root. */
export function compileLendingPool(): CompiledContract {
  const interfaces = Object.entries(zkinferSources()).filter(([f]) => f.startsWith("interfaces/"));
  const sources: Record<string, string> = {
    [SOURCE]: readFileSync(fileURLToPath(new URL("./LendingPool.sol", import.meta.url)), "utf8"),
    ...Object.fromEntries(interfaces.map(([f, text]) => [`verifier-contracts/src/${f}`, text])),
  };
  const out = compileSolidity(sources, { optimizerRuns: 10_000 });
  return out.LendingPool!;
}

export interface PoolConfig {
  oracle: string;
  /** bytes32 model id of the risk model. */
  modelId: string;
  /** The risk score's position in the model's public signals (the feeds' outputIndex). */
  outputIndex: number;
  /** The only updater whose feeds the pool reads. */
  scorer: string;
  /** Seconds a score stays usable. */
  maxAge: number;
  /** The score (model units) at and above which nothing is lent. */
  maxRisk: bigint;
  /** The limit of a zero-risk score, in wei. */
  maxCredit: bigint;
  /** ETH sent to the pool at deployment, to lend. */
  funds: bigint;
}

export async function deployLendingPool(owner: Signer, c: PoolConfig): Promise<Contract> {
  const artifacts = { LendingPool: compileLendingPool() };
  return deployContract(owner, artifacts, "LendingPool", c.oracle, c.modelId, c.outputIndex, c.scorer, c.maxAge, c.maxRisk, c.maxCredit, { value: c.funds });
}

/** What the pool's limitFor computes, for checking it off chain. */
export function limitFor(c: Pick<PoolConfig, "maxRisk" | "maxCredit">, score: bigint): bigint {
  if (score >= c.maxRisk) return 0n;
  const risk = score < 0n ? 0n : score;
  return (c.maxCredit * (c.maxRisk - risk)) / c.maxRisk;
}
