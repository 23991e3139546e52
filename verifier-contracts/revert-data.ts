/**
 * Where an ethers error keeps a revert's data. Imports nothing, so the browser-safe client
 * (client/revert.ts) shares it with the Node side (contracts.ts, revert.ts).
 */
/** The revert data (0x...) carried by an ethers error, wherever the provider put it. */
export function findRevertData(err: unknown, depth = 0): string | undefined {
  if (depth > 6 || err === null || typeof err !== "object") return undefined;
  const o = err as Record<string, unknown>;
  if (typeof o.data === "string" && /^0x[0-9a-f]{8}/i.test(o.data)) return o.data;
  for (const k of ["error", "info", "data", "cause"]) {
    const found = findRevertData(o[k], depth + 1);
    if (found) return found;
  }
  return undefined;
}
