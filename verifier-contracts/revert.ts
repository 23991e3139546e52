/** A contract's custom error decoded from an ethers v6 error, with its arguments, for messages. */
import type { Contract } from "ethers";
import { findRevertData } from "./contracts.ts";

/** "InputCommitmentMismatch(3, 12, 13)" from a revert, or undefined when there is none to decode. */
export function namedRevert(contract: Contract, err: unknown): string | undefined {
  const data = findRevertData(err);
  if (!data) return undefined;
  try {
    const e = contract.interface.parseError(data);
    return e ? `${e.name}(${e.args.map((a) => String(a)).join(", ")})` : undefined;
  } catch {
    return undefined;
  }
}
