/**
 * The custom error of a reverted call, decoded with the contract's ABI (ethers v6 puts the
 * revert data in different places for calls, estimates and sends).
 */
import type { Interface } from "ethers";
import { findRevertData } from "../verifier-contracts/revert-data.ts";

/** `Name(arg, ...)` of the revert, or undefined when `err` carries no decodable revert data. */
export function revertReason(iface: Interface, err: unknown): { name: string; args: unknown[] } | undefined {
  const data = findRevertData(err);
  if (!data) return undefined;
  try {
    const e = iface.parseError(data);
    return e ? { name: e.name, args: [...e.args] } : undefined;
  } catch {
    return undefined;
  }
}
