/**
 * The gateway's JSON shapes as the client sees them (the server's own declarations, imported as
 * types only: nothing of server/ is loaded at run time) and the client's own results.
 */
import type { ChainInfo, InferResult, ModelInfo, ModelStatus, PaymentInfo, ProofRecord, SettlementRecord } from "../server/core/types.ts";
import type { TransactionReceipt } from "ethers";

export type { ChainInfo, InferResult, ModelInfo, ModelStatus, PaymentInfo, ProofRecord, SettlementRecord };

/** A fetch function (the global one by default; pass another for a proxy, custom agent or tests). */
export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export interface ZkinferClientOptions {
  /** The gateway's URL, e.g. "http://127.0.0.1:8080" (no trailing /v1). */
  baseUrl: string;
  /** Sent as `authorization: Bearer <apiKey>` when the gateway has API keys on. */
  apiKey?: string;
  fetch?: FetchLike;
}

/** A model in GET /v1/models: a ready model's card, or a building or failed one's state. */
export type ListedModel = (ModelInfo & { state: "ready" }) | ModelStatus;

export interface InferOptions {
  /** Pays for the proof through this InferenceEscrow request (decimal string or bigint). */
  escrowRequestId?: string | bigint;
  /** Hashed-salted-input models: the salt of the input commitment (decimal string or bigint). */
  inputSalt?: string | bigint;
  /** "int8" (default): quantized values in -128..127; "float": the gateway quantizes them. */
  kind?: "int8" | "float";
  /** Models compiled with a nonce: the nonce the proof binds. */
  nonce?: string | bigint | number;
}

export interface WaitOptions {
  /** Longest wait, in ms (default 120 000). */
  timeoutMs?: number;
  /** Polling interval when the event stream is not available, in ms (default 500). */
  pollMs?: number;
  /** false: poll GET /v1/proofs/{id} only, never the event stream. */
  sse?: boolean;
  signal?: AbortSignal;
  /** Called with each record the wait sees: every event, and each polled record whose status changed. */
  onRecord?: (r: ProofRecord) => void;
}

/** One check of verifyLocally: its name, whether it passed, and what was compared. */
export interface VerifyCheck {
  name: "vkeyHash" | "modelId" | "signals" | "weightsCommitment" | "inputCommitment" | "output" | "nonce" | "groth16";
  ok: boolean;
  detail: string;
}

export interface LocalVerdict {
  valid: boolean;
  checks: VerifyCheck[];
  /** The first failed check's detail, when not valid. */
  reason?: string;
  /**
   * The card's setup is trusted (ceremony powers of tau and a secret phase-2 contribution).
   * When false, whoever made the setup can forge proofs: a valid proof proves nothing to others.
   */
  trusted: boolean;
}

export interface InputCommitment {
  /** Decimal field element, as the escrow and the proof's public signals carry it. */
  inputCommitment: string;
  /** Hashed-salted-input models: the salt (decimal) to send as inputSalt with infer. */
  inputSalt?: string;
}

export interface OpenedRequest extends InputCommitment {
  /** The escrow request id (decimal), to send as escrowRequestId. */
  requestId: string;
  modelId: string;
  escrow: string;
  operator: string;
  /** Wei locked. */
  price: bigint;
  /** Unix seconds; refund possible after it. */
  deadline: bigint;
  receipt: TransactionReceipt;
}

export interface PaidInference {
  request: OpenedRequest;
  /** The infer answer (output at once, salts). */
  result: InferResult;
  /** The job record once settled: proof, public signals, settlement. */
  record: ProofRecord;
  /** The receipt of the settle() transaction. */
  receipt: TransactionReceipt;
}

export interface OracleValue {
  oracle: string;
  feedId: bigint;
  /** The proven output (signed). */
  value: bigint;
  /** Unix seconds of the observation (the proof's nonce). */
  updatedAt: bigint;
  modelId: string;
  outputIndex: number;
  inputCommitment: bigint;
}
