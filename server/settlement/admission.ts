/**
 * Admission of a paid request: before infer stores or proves anything for an escrowRequestId,
 * the request is read from the chain and judged against this server's terms. A request that
 * does not exist or is closed, is for another model or input, pays another operator, pays in a
 * token not accepted, pays less than the model's least price, or leaves too little time before
 * its deadline (measured on the chain's clock, not ours) is refused with the reason: otherwise
 * the server would prove, and pay the gas to settle, for nothing.
 */
import { ZeroAddress } from "ethers";
import type { ModelInfo } from "../core/types.ts";
import { SettlementError } from "./errors.ts";
import type { EscrowClient, EscrowRequestView } from "./escrow.ts";
import type { SettlementSite, Terms } from "./pricing.ts";

/** Why a request is refused. NOT_FOUND: no such request; CONFLICT: it cannot be this call's; PAYMENT_REQUIRED: it does not pay us enough. */
export interface Refusal {
  code: "NOT_FOUND" | "CONFLICT" | "PAYMENT_REQUIRED";
  /** The request's field at fault (status, modelId, inputCommitment, operator, token, price, deadline). */
  field: string;
  message: string;
}

export interface AdmissionQuery {
  requestId: bigint;
  model: Pick<ModelInfo, "id" | "name" | "visibility">;
  /** This input's commitment (with its salt, for a hashed-salted input). */
  inputCommitment: bigint;
  terms: Terms;
  /**
   * The proofs queued ahead of this one and the expected wait for them (from measured proving
   * times): the deadline must cover them too, or a client who floods the queue with free calls
   * gets the output at once and the proof after the deadline, and refunds (the operator proved
   * for nothing). Absent: an empty queue.
   */
  queue?: { ahead: number; waitSeconds: number };
}

/**
 * Reads the request and the chain's latest block, then judges. Throws a transient
 * SettlementError when the chain does not answer within `timeoutMs`.
 */
export async function admitEscrowRequest(client: EscrowClient, site: SettlementSite, q: AdmissionQuery, timeoutMs: number): Promise<Refusal | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  let req: EscrowRequestView;
  let now: bigint;
  try {
    [req, now] = await Promise.race([Promise.all([client.request(q.requestId), client.latestTimestamp()]), timeout]);
  } catch (e) {
    const why = String((e as { shortMessage?: string }).shortMessage ?? (e as Error).message).split("\n")[0].slice(0, 200);
    throw new SettlementError(`cannot read escrow request ${q.requestId} from chain ${site.chainId}: ${why}`, false);
  } finally {
    clearTimeout(timer);
  }
  return judgeRequest(req, now, q, site);
}

/** The judgement itself, on a request as read and the chain's latest block timestamp. */
export function judgeRequest(req: EscrowRequestView, now: bigint, q: AdmissionQuery, site: SettlementSite): Refusal | undefined {
  const id = q.requestId;
  const { name } = q.model;
  const r = (code: Refusal["code"], field: string, message: string): Refusal => ({ code, field, message: `escrow request ${id} ${message}` });
  if (req.status === "None") return r("NOT_FOUND", "status", `does not exist on escrow ${site.escrow} (chain ${site.chainId})`);
  if (req.status !== "Open") return r("CONFLICT", "status", `is ${req.status.toLowerCase()}, no longer open`);
  const model = `0x${q.model.id.toLowerCase()}`;
  if (req.modelId !== model) return r("CONFLICT", "modelId", `is for model ${req.modelId}, not ${name} (${model})`);
  if (req.inputCommitment !== q.inputCommitment) {
    const hint = q.model.visibility.input === "hashed-salted" ? "; send the inputSalt the request's commitment was made with" : "";
    return r("CONFLICT", "inputCommitment", `is for input commitment ${req.inputCommitment}, but this input commits to ${q.inputCommitment}${hint}`);
  }
  if (req.operator.toLowerCase() !== site.operator.toLowerCase()) {
    return r("PAYMENT_REQUIRED", "operator", `pays operator ${req.operator}, not this server's operator ${site.operator}: the server would prove and pay the gas to settle without being paid`);
  }
  const eth = req.token === ZeroAddress;
  const min = eth ? q.terms.minPriceWei : q.terms.tokens.get(req.token.toLowerCase());
  if (min === null || min === undefined) {
    return r("PAYMENT_REQUIRED", "token", `pays in ${eth ? "ETH" : `token ${req.token}`}, which this server does not accept for model ${name} (accepted: ${accepted(q.terms)})`);
  }
  if (req.price < min) {
    return r("PAYMENT_REQUIRED", "price", `locks ${req.price} ${eth ? "wei" : `units of ${req.token}`}, below this server's least price of ${min} for model ${name} (GET /v1/models/${name}/price)`);
  }
  const left = req.deadline - now;
  const margin = q.terms.minDeadlineSeconds;
  const wait = q.queue && q.queue.ahead > 0 ? q.queue.waitSeconds : 0;
  if (left < BigInt(margin + wait)) {
    const why = wait > 0 ? `${margin + wait} s: ${margin} s to prove and settle plus about ${wait} s for the ${q.queue!.ahead} proof(s) queued ahead of it` : `${margin} s to prove and settle`;
    return r("CONFLICT", "deadline", `has deadline ${req.deadline}, ${left} s after the chain's latest block (${now}); model ${name} needs at least ${why}`);
  }
  return undefined;
}

function accepted(t: Terms): string {
  const list = [...(t.minPriceWei !== null ? [`ETH from ${t.minPriceWei} wei`] : []), ...[...t.tokens].map(([a, m]) => `${a} from ${m}`)];
  return list.length ? list.join(", ") : "nothing";
}
