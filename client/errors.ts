/**
 * The client's one error type. `code` says what went wrong, `field` the value at fault (a
 * request field, an option, or the gateway's own field on an HTTP error), so a caller can
 * tell "my price is too low" from "the server is down" without parsing the message.
 */
export type ClientErrorCode =
  | "INVALID_ARGUMENT" // a value given to the client is malformed
  | "HTTP" // the gateway answered with an error (status and the gateway's code are kept)
  | "NETWORK" // the gateway could not be reached
  | "TIMEOUT" // a wait ran out
  | "WRONG_CHAIN" // the signer's or provider's chain is not the gateway's
  | "WRONG_ESCROW" // an escrow that is not the gateway's, or not an InferenceEscrow of its registry
  | "MODEL_NOT_REGISTERED" // the model has no (usable) record on the registry
  | "NOT_PAYABLE" // the gateway takes no paid requests for this model, or not this kind of payment
  | "PRICE_TOO_LOW" // below the operator's least price
  | "DEADLINE" // an expired deadline, or one too near for the operator to prove and settle
  | "SETTLEMENT_FAILED" // the proof was made but the escrow request was not settled
  | "PROOF_FAILED" // the gateway could not prove the request
  | "CHAIN"; // a contract call reverted or the chain answered unexpectedly

export class ZkinferClientError extends Error {
  override name = "ZkinferClientError";
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    /** The value at fault, e.g. "price", "deadline", "signer.provider", "input[3]". */
    readonly field?: string,
    /** HTTP errors: the status and the gateway's error code (NOT_FOUND, PAYMENT_REQUIRED, ...). */
    readonly http?: { status: number; code?: string },
  ) {
    super(message);
  }
}
