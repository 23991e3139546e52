/** The custom error a call reverted with, decoded with the first contract whose ABI knows it. */
import type { Contract } from "ethers";
import { namedRevert } from "../../verifier-contracts/revert.ts";

/** "StaleValue(1, 1700000000, 3600)"; throws if `call` succeeds or reverts with nothing to decode. */
export async function refusal(contracts: Contract[], call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (e) {
    for (const c of contracts) {
      const named = namedRevert(c, e);
      if (named) return named;
    }
    throw e;
  }
  throw new Error("expected a revert, but the call succeeded");
}
