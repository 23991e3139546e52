/**
 * Reading a ProvenOracle feed: the latest proven value with the time its proof carries. With
 * maxAge the oracle's own staleness rule applies (latest(feedId, maxAge) reverts StaleValue), so
 * a consumer off chain refuses a stale value exactly as a contract would.
 */
import { Contract, getAddress, type Provider } from "ethers";
import { provenOracleAbi } from "../verifier-contracts/abi/index.ts";
import { ZkinferClientError } from "./errors.ts";
import { revertReason } from "./revert.ts";
import type { OracleValue } from "./types.ts";

export interface ReadOracleOptions {
  provider: Provider;
  feedId: bigint | number | string;
  /** Refuse a value whose observation is older than this many seconds (the oracle's StaleValue). */
  maxAge?: number;
  /** The oracle's address; default the gateway's (GET /v1/chain contracts.oracle). */
  oracle?: string;
}

export async function readFeed(oracleAddress: string, o: ReadOracleOptions): Promise<OracleValue> {
  let feedId: bigint;
  try {
    feedId = BigInt(o.feedId);
    if (feedId < 0n) throw new Error();
  } catch {
    throw new ZkinferClientError("INVALID_ARGUMENT", `feedId: expected a non-negative integer, got ${JSON.stringify(String(o.feedId))}`, "feedId");
  }
  if (o.maxAge !== undefined && !(Number.isSafeInteger(o.maxAge) && o.maxAge >= 0)) {
    throw new ZkinferClientError("INVALID_ARGUMENT", `maxAge: expected a non-negative whole number of seconds, got ${o.maxAge}`, "maxAge");
  }
  const oracle = new Contract(getAddress(oracleAddress), provenOracleAbi, o.provider);
  const explain = (e: unknown): never => {
    const r = revertReason(oracle.interface, e);
    const why: Record<string, string> = {
      FeedNotFound: `feedId: no feed ${feedId} on oracle ${oracleAddress}`,
      NoValue: `feedId: feed ${feedId} has no value yet`,
      StaleValue: `maxAge: feed ${feedId}'s value was observed at ${r?.args[1]}, more than ${o.maxAge} s ago`,
    };
    throw new ZkinferClientError("CHAIN", r ? (why[r.name] ?? `oracle ${oracleAddress}: ${r.name}(${r.args.join(", ")})`) : `oracle ${oracleAddress}: ${(e as Error).message}`, r?.name === "StaleValue" ? "maxAge" : "feedId");
  };
  const f = (await oracle.getFunction("feed")(feedId).catch(explain)) as { modelId: string; outputIndex: bigint; updatedAt: bigint; value: bigint; inputCommitment: bigint };
  if (/^0x0{64}$/.test(f.modelId)) throw new ZkinferClientError("CHAIN", `feedId: no feed ${feedId} on oracle ${oracleAddress}`, "feedId");
  if (f.updatedAt === 0n) throw new ZkinferClientError("CHAIN", `feedId: feed ${feedId} has no value yet`, "feedId");
  if (o.maxAge !== undefined) await oracle.getFunction("latest")(feedId, o.maxAge).catch(explain);
  return {
    oracle: await oracle.getAddress(), feedId, value: f.value, updatedAt: f.updatedAt,
    modelId: f.modelId, outputIndex: Number(f.outputIndex), inputCommitment: f.inputCommitment,
  };
}
