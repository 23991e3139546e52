/**
 * Which chain errors are worth a retry. Final: a revert (named custom error, or a bare revert),
 * bad arguments, or our own final SettlementError. Everything else (connection refused or
 * reset, timeouts, nonce races, a node answering 5xx) is transient: the same request may well
 * succeed a moment later, and retrying is safe because a transaction is always recorded, and
 * its receipt or the escrow's state checked, before anything is sent again.
 */
import { isError, type Contract } from "ethers";
import { namedRevert } from "../../verifier-contracts/revert.ts";
import { SettlementError } from "./errors.ts";

export { namedRevert };

export interface Classified {
  final: boolean;
  message: string;
}

/** A short message for logs and the job record (ethers' own messages run to kilobytes). */
function shortMessage(err: unknown): string {
  const e = err as { shortMessage?: string; code?: string; message?: string };
  const text = e?.shortMessage ?? e?.message ?? String(err);
  return (e?.code && !text.includes(e.code) ? `${e.code}: ${text}` : text).split("\n")[0].slice(0, 300);
}

export function classify(contract: Contract, err: unknown): Classified {
  if (err instanceof SettlementError) return { final: err.final, message: err.message };
  const named = namedRevert(contract, err);
  if (named) return { final: true, message: `the escrow reverted with ${named}` };
  if (isError(err, "CALL_EXCEPTION")) return { final: true, message: `the escrow reverted: ${shortMessage(err)}` };
  if (isError(err, "INVALID_ARGUMENT") || isError(err, "BAD_DATA")) return { final: true, message: shortMessage(err) };
  return { final: false, message: shortMessage(err) };
}

/** A broadcast refused because the nonce is already used: the recorded transaction can never be mined. */
export function isNonceUsed(err: unknown): boolean {
  if (isError(err, "NONCE_EXPIRED")) return true;
  return /nonce too low|nonce has already been used|already been used/i.test(shortMessage(err));
}

/** A broadcast of a transaction the node already holds: as good as sent. */
export function isAlreadyKnown(err: unknown): boolean {
  return /already known|known transaction|already imported/i.test(shortMessage(err));
}
