/** Checks of an infer or verify call that need the model and the job store (split from service.ts). */
import { NONCE_SIGNAL } from "../../prover/inputs.ts";
import type { JobStore } from "../jobs/index.ts";
import type { LoadedModel } from "./models.ts";
import { ServiceError } from "../core/types.ts";

/**
 * The escrow request id of an infer call, as a canonical decimal string; undefined when none.
 * Refused: a malformed id, no chain configured, a model the escrow cannot pay for (no input
 * commitment, a hashed output, not registered), or an escrow request another live job holds.
 */
export function checkEscrowRequestId(v: unknown, m: LoadedModel, enabled: boolean, store: JobStore): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const bad = (msg: string): never => {
    throw new ServiceError("INVALID_ARGUMENT", `escrowRequestId: ${msg}`, "escrowRequestId");
  };
  let id: bigint | undefined;
  if (typeof v === "string" && /^[0-9]{1,78}$/.test(v)) id = BigInt(v);
  else if (typeof v === "number" && Number.isSafeInteger(v) && v >= 0) id = BigInt(v);
  if (id === undefined || id === 0n || id >= 2n ** 256n) return bad(`expected a positive integer (decimal string or number) below 2^256, got ${JSON.stringify(v)}`);
  // The model's payment terms say whether the escrow can pay for it at all (a public input, a
  // hashed output, not registered, or no chain: set when settlement started).
  if (!m.info.payment.paidRequests) bad(m.info.payment.reason ?? `model ${m.info.name} takes no paid requests`);
  if (!enabled) bad("settlement is not configured on this server (options.chain: rpcUrl, privateKey, escrow)");
  const other = store.jobForEscrowRequest(id.toString());
  if (other) bad(`escrow request ${id} is already being settled by request ${other.request_id}`);
  return id.toString();
}

/** Undefined when no nonce is expected or the proof's nonce signal is the one expected; else why not. */
export function nonceMismatch(m: LoadedModel, signals: string[], expected: bigint | undefined): string | undefined {
  if (expected === undefined) return undefined;
  const actual = BigInt(signals[m.info.publicSignals.indexOf(NONCE_SIGNAL)]!);
  return actual === expected ? undefined : `nonce: the proof carries ${actual}, not the expected ${expected}`;
}
