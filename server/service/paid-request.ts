/**
 * The paid part of infer: an escrowRequestId is admitted only when the request on chain pays
 * this server enough, for this model and this input, with time left to prove and settle
 * (server/settlement/admission.ts judges). Runs before anything is stored or proved; a
 * refusal becomes the ServiceError the edges map (404, 409, 402; 503 when the chain is down).
 */
import type { ChainConfig } from "../config/index.ts";
import { admitEscrowRequest, SettlementError, termsFor, type AdmissionQuery, type Settlement, type SettlementSite } from "../settlement/index.ts";
import type { LoadedModel } from "./models.ts";
import { ServiceError } from "../core/types.ts";

/** Retry-After when the chain does not answer: an RPC hiccup, or a node restarting. */
const CHAIN_RETRY_S = 5;

export const settlementSite = (s: Settlement): SettlementSite => ({ chainId: s.chainId, escrow: s.client.address, operator: s.client.wallet.address });

/**
 * Throws unless escrow request `escrowRequestId` is open, for model `m` and input commitment
 * `commitment`, pays this server's operator at least the model's least price in an accepted
 * token, and leaves at least the model's deadline margin, plus the expected wait for the proofs
 * queued ahead (`queue`), on the chain's clock.
 */
export async function admitPaidRequest(s: Settlement, chain: ChainConfig, m: LoadedModel, escrowRequestId: string, commitment: string, queue?: AdmissionQuery["queue"]): Promise<void> {
  const query = { requestId: BigInt(escrowRequestId), model: m.info, inputCommitment: BigInt(commitment), terms: termsFor(chain, m.info), queue };
  let refusal;
  try {
    refusal = await admitEscrowRequest(s.client, settlementSite(s), query, chain.readTimeoutMs);
  } catch (e) {
    if (!(e instanceof SettlementError)) throw e;
    throw new ServiceError("UNAVAILABLE", `escrowRequestId: ${e.message}; nothing was stored, retry in ${CHAIN_RETRY_S} s`, "escrowRequestId", CHAIN_RETRY_S);
  }
  if (refusal) throw new ServiceError(refusal.code, `escrowRequestId: ${refusal.message}`, "escrowRequestId");
}
