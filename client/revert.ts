/**
 * The custom error of a reverted call, decoded with the contract's ABI (ethers v6 puts the
 * revert data in different places for calls, estimates and sends).
 */
import type { Interface } from "ethers";

function revertData(err: unknown, depth = 0): string | undefined {
  if (depth > 6 || err === null || typeof err !== "object") return undefined;
  const o = err as Record<string, unknown>;
  if (typeof o.data === "string" && /^0x[0-9a-f]{8}/i.test(o.data)) return o.data;
  for (const k of ["error", "info", "data", "cause"]) {
    const found = revertData(o[k], depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** `Name(arg, ...)` of the revert, or undefined when `err` carries no decodable revert data. */
export function revertReason(iface: Interface, err: unknown): { name: string; args: unknown[] } | undefined {
  const data = revertData(err);
  if (!data) return undefined;
  try {
    const e = iface.parseError(data);
    return e ? { name: e.name, args: [...e.args] } : undefined;
  } catch {
    return undefined;
  }
}
