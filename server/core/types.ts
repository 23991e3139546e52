/**
 * The inference service as the HTTP and gRPC edges see it. server/service implements it
 * (models, onnxruntime, SQLite jobs, the Piscina prover pool); server/http and server/grpc
 * only translate requests and errors. One error type, mapped once per edge.
 * The lowest layer of server/: the job store, the engine and settlement share these records
 * without importing the service that composes them (test/import-graph.test.ts).
 */

import type { SetupSummary } from "../../prover/setup.ts";
import type { CommitInput, CommitResult, InputWarning, JobSetup, OutputReading, Preprocessing, ProofPage, ProofQuery } from "./client-types.ts";

export type { CommitInput, CommitResult, InputWarning, JobSetup, OutputReading, Preprocessing, ProofPage, ProofQuery };

export type ModelState = "building" | "ready" | "failed";

export interface ModelStatus {
  name: string;
  /** The sha256 id and CID, once the manifest and ONNX could be read. */
  id?: string;
  cid?: string;
  state: ModelState;
  /** Why a failed model failed. */
  reason?: string;
}

export type ProofStatus = "queued" | "proving" | "proved" | "failed";

export interface ModelInfo {
  /** Content hash of the integer ONNX (sha256 hex): the model id. */
  id: string;
  /** IPFS CIDv1 of the same bytes (raw codec, sha2-256, base32): fetch and pin the weights by it. */
  cid: string;
  name: string;
  input: {
    name: string; shape: number[]; dtype: "int8"; shift: number; quantization: string;
    /** kind "float": the values the input scale represents exactly (q / 2^shift, q in -128..127); beyond them a value is clipped. */
    floatRange: { min: number; max: number };
    /** How a raw sample becomes the float input the model was trained on. */
    preprocessing: Preprocessing;
  };
  output: {
    name: string; shape: number[]; dtype: string; shift: number;
    /**
     * How a class is read from the output: "argmax" of the scores, or "threshold" for one score
     * p (class 1 when p > 0.5: the argmax of [1 - p, p]); absent for a model that does not classify.
     */
    decision?: "argmax" | "threshold";
  };
  /** Class names by class index, where the data set has them. */
  labels?: string[];
  /** The layers' op types in order and the distinct ops, as the quantizer recorded them. */
  architecture?: { layers: string[]; ops: string[] };
  /** The test-set score the manifest records: accuracy (or `metric`, e.g. mse) of the integer and float models. */
  accuracy?: { integer: number; float?: number; testSamples?: number; metric: string };
  visibility: { weights: string; input: string; output: string };
  publicSignals: string[];
  constraints: number;
  proofSystem: "groth16";
  circuitHash: string;
  vkeyHash: string;
  /** Ceremony powers of tau (hash checked) and at least one secret phase-2 contribution. */
  trusted: boolean;
  /** The setup record: powers of tau kind, phase-2 contributions, verifying-key hash. */
  setup: SetupSummary;
  /** Set once the model's verifier is deployed (issue #5). */
  verifierAddress?: string;
  /**
   * Hashed-weights models: the commitment (decimal) a proof must carry as weightsCommitment to be
   * a proof of this model; the verifying key alone accepts any weights.
   */
  weightsCommitment?: string;
  /** How to pay this server for a proof of this model through the escrow (GET /v1/models/{id}/price). */
  payment: PaymentInfo;
}

/**
 * The terms on which this server takes an escrow request for a model: what infer checks on chain
 * before it proves anything. Amounts are decimal strings (wei and token units exceed 2^53).
 */
export interface PaymentInfo {
  /** Whether a paid (escrow) request for this model can be served here at all. */
  paidRequests: boolean;
  /** Why not, when paidRequests is false. */
  reason?: string;
  /** The chain, escrow and payee a request must name; absent when settlement is off. */
  chainId?: number;
  escrow?: string;
  operator?: string;
  accepted: {
    /** Least ETH price in wei; null: ETH not accepted. */
    eth: { minPriceWei: string } | null;
    tokens: { address: string; minAmount: string }[];
  };
  /** Least time from the chain's latest block to the request's deadline, in seconds. */
  minDeadlineSeconds: number;
}

/**
 * Where and how to pay and read proofs on chain (GET /v1/chain, gRPC GetChain): enough for a
 * client to open an escrow request or read an oracle feed without reading Solidity or config.
 */
export interface ChainInfo {
  chainId: number;
  /** The JSON-RPC URL the server itself uses (for `npm start`'s local chain, its loopback URL); null if unknown. */
  rpcUrl: string | null;
  /** The address the server settles as: the payee a request must name. */
  operator: string;
  contracts: { registry: string; escrow: string; oracle: string | null };
  /** Every ready model: its registered verifier (null when not registered) and payment terms. */
  models: { id: string; name: string; verifier: string | null; payment: PaymentInfo }[];
}

/** An input as sent: real values (quantized with the model's input scale) or int8 values. */
export interface InferInput {
  kind: "float" | "int8";
  /** Flat or nested (the shape is checked against the model's input shape). */
  values: unknown;
  /**
   * An InferenceEscrow request id (decimal string or non-negative integer): once proved, the
   * proof settles it on the configured chain (issue #5). Needs a model with a hashed input.
   */
  escrowRequestId?: unknown;
  /**
   * Hashed-salted-input models: the input commitment's salt (decimal field element < BN254 r),
   * so the client can compute the commitment before inferring; default a fresh random one.
   */
  inputSalt?: unknown;
  /**
   * Models compiled with a nonce: the number the proof binds (decimal string or integer,
   * 0 <= nonce < 2^64; for an oracle feed, the unix time of the observation). Default 0.
   * Refused for a model without one.
   */
  nonce?: unknown;
  /** kind "float": refuse (INVALID_ARGUMENT naming the first) values the input scale would clip, instead of a warning. */
  strict?: boolean;
}

export interface InferResult extends OutputReading {
  requestId: string;
  modelId: string;
  /** The model's output, exactly what the proof will carry. */
  output: number[];
  inputCommitment?: string;
  /** Hashed-salted-input models: the input commitment's salt (decimal); it opens inputCommitment. */
  inputSalt?: string;
  /**
   * Hashed-output models: the random salt of the output commitment (decimal). With it the
   * client checks the output against the proof's outputCommitment (prover/commitment.ts).
   */
  outputSalt?: string;
  /** The escrow request this inference settles, as given. */
  escrowRequestId?: string;
  /** Models compiled with a nonce: the nonce the proof will carry (decimal). */
  nonce?: string;
  /** kind "float" with values the input scale clipped (never with strict: that is a 400). */
  warning?: InputWarning;
  proof: { status: ProofStatus };
}

/**
 * Settlement of the escrow request a job references: pending (until proved, or between
 * retries) → submitted (txHash recorded, awaiting its receipt) → settled | failed (final).
 * `error` is the last transient error while pending/submitted, the reason once failed.
 */
export interface SettlementRecord {
  status: "pending" | "submitted" | "settled" | "failed";
  txHash: string | null;
  error: string | null;
  /**
   * True once a start found the chain this request lived on replaced by another instance (a
   * restarted development chain: same chain id and escrow address, another genesis). txHash then
   * names a transaction of that gone chain, and an unsettled request failed with the reason.
   */
  chainGone: boolean;
  /** Once settled: the token paid (0x0…0 for ETH) and the amount the operator received (decimal), from the RequestSettled event. */
  token?: string;
  amount?: string;
  /** Once settled by our own transaction: its gas used (decimal). */
  gasUsed?: string;
}

export interface ProofRecord extends Partial<OutputReading> {
  requestId: string;
  modelId: string;
  /** The model's name, while the model is served. */
  modelName?: string;
  /**
   * The trust of the key: once proved, the setup that proved it (recorded at proving); before,
   * the served model's current one. Absent for a proof recorded before the server kept it.
   */
  setup?: JobSetup;
  status: ProofStatus;
  /** The public output; empty for a hashed-output model (only the infer answer has its values). */
  output: number[];
  inputCommitment?: string;
  /** Models compiled with a nonce: the nonce the proof carries (decimal; public, like the signals). */
  nonce?: string;
  // No salts: a record is fetched and streamed by request id (and shared with whoever verifies);
  // a salt in it would let its holder confirm a guessed input or output. Only infer returns them.
  proof?: unknown;
  publicSignals?: string[];
  /** verifyProof arguments for the Solidity verifier: [pA, pB, pC, pubSignals] as decimal strings. */
  calldata?: unknown;
  error?: string;
  createdAt: string;
  updatedAt: string;
  provingMs?: number;
  escrowRequestId?: string;
  settlement?: SettlementRecord;
}

/** Why a proof is not a proof of the model: a key that rejects it, or another model's commitments. */
export interface VerifyResult {
  valid: boolean;
  reason?: string;
}

/** What a verifier expects beyond the model's own commitments. */
export interface VerifyOptions {
  /** Models compiled with a nonce: the nonce the proof must carry (decimal string or integer). */
  nonce?: unknown;
}

/** The fleet as the gateway sees it (fleet mode): BullMQ's job counts and what it checked of each node. */
export interface FleetStats {
  /** BullMQ job counts by state (waiting, active, delayed, completed, failed), as last read from Redis. */
  jobs: Record<string, number>;
  /** Per node (as the node names itself): proofs accepted, proofs rejected by the gateway's checks, jobs failed. */
  nodes: Record<string, { proved: number; rejected: number; failed: number }>;
  /** Seconds from handing a job to the fleet to its checked proof, the last samples. */
  proofSeconds: number[];
  /** Whether the last read of Redis succeeded. */
  redisUp: boolean;
}

export type ServiceErrorCode =
  | "INVALID_ARGUMENT" // 400 / INVALID_ARGUMENT
  | "NOT_FOUND" // 404 / NOT_FOUND
  | "PAYMENT_REQUIRED" // 402 / FAILED_PRECONDITION (an escrow request that does not pay this server enough)
  | "CONFLICT" // 409 / FAILED_PRECONDITION (an escrow request that is closed, for another model or input, or too near its deadline)
  | "UNAUTHENTICATED" // 401 / UNAUTHENTICATED
  | "RATE_LIMITED" // 429 + Retry-After / RESOURCE_EXHAUSTED
  | "QUEUE_FULL" // 503 + Retry-After / RESOURCE_EXHAUSTED
  | "PAYLOAD_TOO_LARGE" // 413 / INVALID_ARGUMENT
  | "UNSUPPORTED_MEDIA_TYPE" // 415 / INVALID_ARGUMENT (a JSON body sent as another content type)
  | "DEADLINE_EXCEEDED" // 504 / DEADLINE_EXCEEDED
  | "UNAVAILABLE" // 503 / UNAVAILABLE (shutting down, not ready)
  | "INTERNAL"; // 500 / INTERNAL

export class ServiceError extends Error {
  override name = "ServiceError";
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** The request field at fault, e.g. "input.values[3]". */
    readonly field?: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export interface InferenceService {
  /** The ready models' cards. */
  listModels(): ModelInfo[];
  /** Every configured model with its state (building, ready, failed with the reason). */
  modelStates(): ModelStatus[];
  /** By id or name; throws NOT_FOUND. */
  getModel(idOrName: string): ModelInfo;
  getVkey(idOrName: string): unknown;
  /** The model's payment terms (also ModelInfo.payment); throws NOT_FOUND. */
  getPrice(idOrName: string): PaymentInfo;
  /** The chain the server settles on; throws NOT_FOUND when settlement is not configured. */
  getChain(): ChainInfo;
  /**
   * Runs the model at once and queues the proof; throws INVALID_ARGUMENT / NOT_FOUND / QUEUE_FULL,
   * and with an escrowRequestId NOT_FOUND / CONFLICT / PAYMENT_REQUIRED / UNAVAILABLE (chain
   * unreachable). Nothing is stored or proved on error.
   */
  infer(idOrName: string, input: InferInput): Promise<InferResult>;
  /** Throws NOT_FOUND. */
  getProof(requestId: string): ProofRecord;
  /** Calls `listener` on every status change of the request (and once at once with the current record); returns unsubscribe. */
  watch(requestId: string, listener: (r: ProofRecord) => void): () => void;
  /**
   * Resolves when the proof is proved or failed (with `settlement`: and, for a job with an escrow
   * request, its settlement settled or failed); throws DEADLINE_EXCEEDED after timeoutMs.
   */
  waitForProof(requestId: string, timeoutMs: number, opts?: { settlement?: boolean }): Promise<ProofRecord>;
  /** The input commitment of an input (and salt) as infer computes it; no job, no proof. INVALID_ARGUMENT for a public-input model. */
  commit(idOrName: string, input: CommitInput): Promise<CommitResult>;
  /** Jobs newest first, paged and filtered; INVALID_ARGUMENT naming a bad query field. */
  listProofs(q: ProofQuery): ProofPage;
  /** A malformed proof throws INVALID_ARGUMENT; a well-formed one that fails is { valid: false, reason }. */
  verify(idOrName: string, proof: unknown, publicSignals: unknown, opts?: VerifyOptions): Promise<VerifyResult>;
  health(): { ok: boolean };
  ready(): { ready: boolean; reasons: string[]; models?: ModelStatus[] };
  /** Queue depth, pool utilisation, proving time histogram, for /metrics (and the fleet's, in fleet mode). */
  stats(): { queued: number; proving: number; proved: number; failed: number; poolThreads: number; poolUtilization: number; provingSeconds: number[]; fleet?: FleetStats };
  /** Fleet mode: the file of an artifact handed to prover nodes, by sha256 (hex); undefined when unknown or not in fleet mode. */
  artifactPath?(sha256: string): string | undefined;
  /** Graceful: stop taking work, finish or re-queue in-flight proofs, close the store. */
  close(): Promise<void>;
}
