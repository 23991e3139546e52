/**
 * The request and response schemas of the HTTP API, shared by validation and /openapi.json.
 */
import type { Schema } from "./json-schema.ts";

export const ROUNDING_RULE =
  'kind "float": each value x is quantized with the model\'s input shift s (GET /v1/models/{id}: input.shift) as q = clamp(round_half_away_from_zero(x * 2^s), -128, 127). kind "int8": the values are already quantized and must be integers in -128..127.';

export const MODEL_ID: Schema = { type: "string", minLength: 1, maxLength: 128, description: "Model id (sha256 of the integer ONNX), its IPFS CIDv1 (`bafkrei...`) or model name, e.g. `digits-mlp`." };
export const REQUEST_ID: Schema = { type: "string", minLength: 1, maxLength: 128, description: "The requestId returned by infer." };

const RANGE: Schema = { type: "object", properties: { min: { type: "number" }, max: { type: "number" } } };

export const MODEL: Schema = {
  type: "object",
  description: "A model's manifest as served.",
  properties: {
    id: { type: "string" },
    cid: { type: "string", description: "IPFS CIDv1 of the integer ONNX (raw codec, sha2-256, base32)" },
    state: { type: "string", enum: ["building", "ready", "failed"], description: "GET /v1/models: a model not ready has only name, id, cid, state and reason" },
    reason: { type: "string", description: "Why a failed model failed" },
    name: { type: "string" },
    input: {
      type: "object",
      properties: {
        name: { type: "string" }, shape: { type: "array", items: { type: "integer" } }, dtype: { type: "string" }, shift: { type: "integer" }, quantization: { type: "string" },
        floatRange: { ...RANGE, description: 'kind "float": the values the input scale represents, q / 2^shift for q in -128..127. A value beyond it is clipped (the answer carries warning INPUT_CLIPPED), or refused with strict: true.' },
        preprocessing: {
          type: "object",
          description: "How a raw sample becomes the float input the model was trained on.",
          properties: {
            description: { type: "string" },
            expectedRange: { ...RANGE, description: "The range of the preprocessed values in training, where known." },
            features: { type: "array", items: { type: "string" }, description: "Tabular models: the feature names, in input order." },
            mean: { type: "array", items: { type: "number" }, description: "Standardised tabular models: float input j = (raw_j - mean[j]) / std[j]." },
            std: { type: "array", items: { type: "number" } },
          },
        },
      },
    },
    output: {
      type: "object",
      properties: {
        name: { type: "string" }, shape: { type: "array", items: { type: "integer" } }, dtype: { type: "string" }, shift: { type: "integer", description: "Dequantized value = q / 2^shift." },
        decision: { type: "string", enum: ["argmax", "threshold"], description: "Classifiers: how the class (argmax) is read: the argmax of the scores, or for one score p, 1 when p > 0.5 (the argmax of [1 - p, p]). Absent for a model that does not classify." },
      },
    },
    labels: { type: "array", items: { type: "string" }, description: "Class names by class index, where the data set has them." },
    architecture: {
      type: "object", description: "The layers' op types in order and the distinct ops, as the quantizer recorded them (absent when not recorded).",
      properties: { layers: { type: "array", items: { type: "string" } }, ops: { type: "array", items: { type: "string" } } },
    },
    accuracy: {
      type: "object", description: "The test-set score the manifest records for the integer (proved) and float models; `metric` is accuracy unless stated (e.g. mse).",
      properties: { integer: { type: "number" }, float: { type: "number" }, testSamples: { type: "integer" }, metric: { type: "string" } },
    },
    visibility: { type: "object", properties: { weights: { type: "string" }, input: { type: "string" }, output: { type: "string" } } },
    publicSignals: { type: "array", items: { type: "string" }, description: "The layout of the public signals, e.g. [inputCommitment, out[0], ...]." },
    constraints: { type: "integer" },
    proofSystem: { type: "string" },
    circuitHash: { type: "string" },
    vkeyHash: { type: "string" },
    verifierAddress: { type: "string" },
    trusted: { type: "boolean", description: "Recomputed from the operator's setup record: true when its powers of tau hash is a published ceremony file and phase 2 has at least one secret contribution; false for the development powers of tau (INSECURE: proofs can be forged) or a file checked only against the operator's own hash. The service does not re-verify the transcript; `zkinfer ceremony verify` and `zkinfer deploy --ptau` do." },
    setup: {
      type: "object",
      description: "The setup record.",
      properties: {
        ptau: { type: "string", enum: ["dev", "ceremony", "custom"], description: "ceremony: a published ceremony file; custom: a file checked only against the operator's own hash (never trusted); dev: INSECURE." },
        phase2: { type: "string", enum: ["setup", "ceremony"], description: "setup: one local secret contribution; ceremony: zkinfer ceremony finalize." },
        contributions: {
          type: "array",
          description: "Every phase-2 contribution, in order, as `snarkjs zkey verify` lists them.",
          items: { type: "object", properties: { name: { type: "string" }, hash: { type: "string", description: "blake2b-512 (hex)." }, kind: { type: "string", enum: ["contribution", "beacon"] } } },
        },
        vkeyHash: { type: "string" },
      },
    },
    weightsCommitment: { type: "string", description: "Hashed-weights models: the public signal weightsCommitment every proof of this model carries (decimal); a proof with another one is for other weights." },
    payment: { $ref: "#/components/schemas/Payment" },
  },
};

export const PAYMENT: Schema = {
  type: "object",
  description:
    "How to pay this server for a proof of the model: open an InferenceEscrow request on chain `chainId` at `escrow` naming `operator` as payee, for this model and the input's commitment, locking at least the least price in an accepted payment, with a deadline at least `minDeadlineSeconds` after the chain's latest block; then call infer with its escrowRequestId. Infer checks all of this on chain before proving (402: does not pay this server enough; 409: closed, another model or input, or too near its deadline; 404: no such request).",
  required: ["paidRequests", "accepted", "minDeadlineSeconds"],
  properties: {
    paidRequests: { type: "boolean", description: "Whether a paid request for this model can be served here." },
    reason: { type: "string", description: "Why not, when paidRequests is false (public-input or hashed-output model, not registered, settlement off)." },
    chainId: { type: "integer", description: "Absent when settlement is off." },
    escrow: { type: "string", description: "InferenceEscrow address." },
    operator: { type: "string", description: "The payee a request must name: this server's address." },
    accepted: {
      type: "object",
      properties: {
        eth: { type: "object", description: "null when ETH is not accepted.", properties: { minPriceWei: { type: "string", description: "Least price in wei (decimal)." } } },
        tokens: { type: "array", items: { type: "object", properties: { address: { type: "string" }, minAmount: { type: "string", description: "Least amount in token units (decimal)." } } } },
      },
    },
    minDeadlineSeconds: { type: "integer", description: "Least time between the chain's latest block and the request's deadline, in seconds." },
  },
};

const STATUS: Schema = { type: "string", enum: ["queued", "proving", "proved", "failed"] };

/** The output as a client reads it (infer answers, and records of public outputs). */
const OUTPUT_READING: Record<string, Schema> = {
  outputFloat: { type: "array", items: { type: "number" }, description: "output[i] / 2^output.shift (GET /v1/models/{id}: output.shift)." },
  argmax: { type: "integer", description: "Classifiers: the class index (see the model's output.decision)." },
  label: { type: "string", description: "The class name from the model card's labels, when it has them." },
};

const WARNING: Schema = {
  type: "object",
  description: 'kind "float": values beyond the input scale\'s range (the model\'s input.floatRange) were clipped; the output and its proof are of the clipped input. With strict: true such an input is a 400 instead.',
  properties: {
    code: { type: "string", enum: ["INPUT_CLIPPED"] },
    clipped: { type: "integer", description: "How many values were clipped." },
    field: { type: "string", description: "The first of them, e.g. `input[3]`." },
    message: { type: "string" },
  },
};

const STRICT: Schema = { type: "boolean", default: false, description: 'kind "float": refuse (400 naming the first, e.g. `input[3]`) a value beyond what the input scale represents instead of clipping it with a warning; nothing is created.' };

export const PROOF_FIELDS: Record<string, Schema> = {
  status: STATUS,
  proof: { type: "object", description: "The Groth16 proof (snarkjs JSON), once proved." },
  publicSignals: { type: "array", items: { type: "string" }, description: "Decimal field elements, in the model's publicSignals layout." },
  calldata: { type: "array", description: "verifyProof(pA, pB, pC, pubSignals) arguments for the Solidity verifier, as decimal strings." },
  error: { type: "string", description: "Why the proof failed." },
};

export const INFER_BODY: Schema = {
  type: "object",
  required: ["input"],
  additionalProperties: false,
  properties: {
    input: { type: "array", description: `The model's input, flat or nested to the model's input shape. ${ROUNDING_RULE}`, examples: [[0, 0, 5, 13, 9, 1, 0, 0]] },
    kind: { type: "string", enum: ["float", "int8"], default: "int8", description: ROUNDING_RULE },
    escrowRequestId: {
      description: "Optional: an InferenceEscrow request id (decimal string or integer) opened for this model and this input's commitment, on the terms of GET /v1/models/{id}/price (checked on chain before anything is proved). Once proved, the server settles it on chain; GET /v1/proofs/{requestId} shows `settlement`.",
      examples: ["1"],
    },
    inputSalt: {
      type: "string",
      pattern: "^[0-9]{1,78}$",
      description: "Optional, models with a hashed-salted input: the input commitment's salt, a decimal field element below the BN254 scalar field order, so the client can compute the commitment before inferring. Absent: the server draws a fresh one (returned as inputSalt).",
    },
    nonce: { description: "Optional, models compiled with a nonce (publicSignals ends with \"nonce\"): the number the proof binds, an integer 0 <= nonce < 2^64 as a decimal string or number; for a ProvenOracle feed, the unix time in seconds of the observation. Absent: 0 (never fresh for an oracle). Refused for a model without a nonce.", examples: ["1767225600"] },
    strict: STRICT,
  },
};

export const COMMIT_BODY: Schema = {
  type: "object",
  required: ["input"],
  additionalProperties: false,
  properties: {
    input: (INFER_BODY.properties as Record<string, Schema>).input,
    kind: (INFER_BODY.properties as Record<string, Schema>).kind,
    inputSalt: { type: "string", pattern: "^[0-9]{1,78}$", description: "Optional, models with a hashed-salted input: the salt to commit with (as infer takes it). Absent: a fresh one, returned as inputSalt: pass it to infer to get the same commitment." },
    strict: STRICT,
  },
};

export const COMMIT_RESULT: Schema = {
  type: "object",
  required: ["modelId", "inputCommitment"],
  properties: {
    modelId: { type: "string" },
    inputCommitment: { type: "string", description: "Poseidon commitment to the quantized input (decimal): what infer with the same input (and salt) returns and its proof carries." },
    inputSalt: { type: "string", description: "Hashed-salted-input models: the salt of inputCommitment (decimal); send it to infer as inputSalt." },
    warning: WARNING,
  },
};

const SETTLEMENT: Schema = {
  type: "object",
  description: "Settlement of the escrow request: pending → submitted (txHash recorded) → settled | failed (error says why). Present only when infer named an escrowRequestId.",
  properties: {
    status: { type: "string", enum: ["pending", "submitted", "settled", "failed"] },
    txHash: { type: "string", description: "The settle() transaction (null until signed)." },
    error: { type: "string", description: "The last transient error while pending/submitted; the reason once failed (null otherwise)." },
    chainGone: { type: "boolean", description: "True when the chain the request lived on was replaced (a restarted development chain: same chain id and escrow, another genesis): txHash is a transaction of that gone chain." },
    token: { type: "string", description: "Once settled: the token the operator was paid in (0x000…0 for ETH), from the RequestSettled event." },
    amount: { type: "string", description: "Once settled: the amount paid (decimal, in the token's units: wei for ETH)." },
    gasUsed: { type: "string", description: "Once settled by this server's own transaction: its gas used (decimal)." },
  },
};

export const INFER_RESULT: Schema = {
  type: "object",
  properties: {
    requestId: { type: "string" },
    modelId: { type: "string" },
    output: { type: "array", items: { type: "integer" }, description: "The model's output: exactly the public output the proof will carry." },
    inputCommitment: { type: "string", description: "Poseidon commitment to the quantized input (decimal), the proof's first public signal." },
    inputSalt: { type: "string", description: "Hashed-salted-input models only: the salt of inputCommitment (decimal); with the input it opens the commitment." },
    outputSalt: { type: "string", description: "Hashed-output models only: the salt of the proof's outputCommitment (decimal)." },
    escrowRequestId: { type: "string", description: "The escrow request this inference settles, when given." },
    nonce: { type: "string", description: "Models compiled with a nonce: the nonce the proof will carry (decimal), its last public signal." },
    ...OUTPUT_READING,
    warning: WARNING,
    proof: { type: "object", properties: { ...PROOF_FIELDS, settlement: SETTLEMENT }, description: "`{status}` at once; with ?wait=proof also the proof once proved; with ?wait=settlement also the settlement." },
  },
};

export const PROOF_RECORD: Schema = {
  type: "object",
  properties: {
    requestId: { type: "string" },
    modelId: { type: "string" },
    modelName: { type: "string", description: "While the model is served." },
    setup: {
      type: "object",
      description: "The trust of the key: once proved, the setup whose key made the proof (as recorded when proved; absent for proofs recorded before); before, the served model's current setup.",
      properties: { trusted: { type: "boolean", description: "As the model card's trusted." }, vkeyHash: { type: "string" } },
    },
    output: { type: "array", items: { type: "integer" }, description: "The public output the proof carries; empty for a hashed-output model (its values are in the infer answer only)." },
    ...OUTPUT_READING,
    inputCommitment: { type: "string" },
    nonce: { type: "string", description: "Models compiled with a nonce: the nonce the proof carries (decimal)." },
    ...PROOF_FIELDS,
    createdAt: { type: "string" },
    updatedAt: { type: "string" },
    provingMs: { type: "number" },
    escrowRequestId: { type: "string" },
    settlement: SETTLEMENT,
  },
};

export const PROOF_PAGE: Schema = {
  type: "object",
  properties: {
    proofs: { type: "array", items: { $ref: "#/components/schemas/ProofRecord" }, description: "Newest first." },
    nextCursor: { description: "A string: pass it as ?cursor= for the next (older) page; null on the last page." },
  },
};

export const VERIFY_BODY: Schema = {
  type: "object",
  required: ["model", "proof", "publicSignals"],
  additionalProperties: false,
  properties: {
    model: MODEL_ID,
    proof: { type: "object", description: "A Groth16 proof as GET /v1/proofs/{requestId} returns it." },
    publicSignals: { type: "array", items: { type: "string", pattern: "^[0-9]{1,80}$" }, maxItems: 4096, description: "Decimal field elements." },
    nonce: { description: "Optional, models compiled with a nonce: the nonce the proof must carry (decimal string or integer); another one makes it invalid." },
  },
};
