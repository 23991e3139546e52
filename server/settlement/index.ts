/**
 * Facade of the settlement component (issue #5): jobs that reference an InferenceEscrow
 * request are settled on chain once proved, exactly once, with the transaction recorded.
 */
export { startSettlement, settlementEnabled, type Settlement, type SettlementDeps } from "./connect.ts";
export { Settler, type SettlerDeps } from "./settler.ts";
export { EscrowClient, type EscrowRequestView } from "./escrow.ts";
export { SettlementError } from "./errors.ts";
export { classify } from "./classify.ts";
export { admitEscrowRequest, judgeRequest, type Refusal, type AdmissionQuery } from "./admission.ts";
export { paymentInfo, termsFor, unpaidReason, unknownPriceKeys, type Terms, type SettlementSite } from "./pricing.ts";
