/**
 * The one error type of server/settlement. `final` says whether retrying can help: a revert
 * with a named error, or an escrow request that does not match the job, is final; an RPC that
 * does not answer is not.
 */
export class SettlementError extends Error {
  override name = "SettlementError";
  constructor(message: string, readonly final: boolean) {
    super(message);
  }
}
