/**
 * Service values ↔ zkinfer.v1 messages (camelCase, as proto-loader presents them).
 */
import type { ChainInfo, InputWarning, ModelInfo, OutputReading, PaymentInfo, Preprocessing, ProofRecord, ProofStatus } from "../core/types.ts";

export const statusEnum = (s: ProofStatus) => `PROOF_STATUS_${s.toUpperCase()}`;

export function modelMessage(m: ModelInfo, vkey?: unknown) {
  return {
    id: m.id,
    cid: m.cid,
    state: "ready",
    stateReason: "",
    name: m.name,
    input: {
      name: m.input.name, shape: m.input.shape, dtype: m.input.dtype, shift: m.input.shift, quantization: m.input.quantization,
      floatRange: m.input.floatRange, preprocessing: preprocessingMessage(m.input.preprocessing), decision: "",
    },
    output: { name: m.output.name, shape: m.output.shape, dtype: m.output.dtype, shift: m.output.shift, quantization: "", floatRange: null, preprocessing: null, decision: m.output.decision ?? "" },
    labels: m.labels ?? [],
    visibility: m.visibility,
    publicSignals: m.publicSignals,
    constraints: m.constraints,
    proofSystem: m.proofSystem,
    circuitHash: m.circuitHash,
    vkeyHash: m.vkeyHash,
    verifierAddress: m.verifierAddress ?? "",
    weightsCommitment: m.weightsCommitment ?? "",
    vkeyJson: vkey === undefined ? "" : JSON.stringify(vkey),
    trusted: m.trusted,
    setup: { ...m.setup, contributions: m.setup.contributions.map(({ name, hash, kind }) => ({ name, hash, kind })) },
    payment: paymentMessage(m.payment),
    architecture: m.architecture ?? null,
    accuracy: m.accuracy ? { integer: m.accuracy.integer, float: m.accuracy.float ?? 0, testSamples: m.accuracy.testSamples ?? 0, metric: m.accuracy.metric } : null,
  };
}

/** Absent values as proto3 defaults: chain id 0 and empty strings when settlement is off. */
export function paymentMessage(p: PaymentInfo) {
  return {
    paidRequests: p.paidRequests,
    reason: p.reason ?? "",
    chainId: p.chainId ?? 0,
    escrow: p.escrow ?? "",
    operator: p.operator ?? "",
    ethAccepted: p.accepted.eth !== null,
    ethMinPriceWei: p.accepted.eth?.minPriceWei ?? "",
    tokens: p.accepted.tokens,
    minDeadlineSeconds: p.minDeadlineSeconds,
  };
}

const preprocessingMessage = (p: Preprocessing) => ({
  description: p.description, expectedRange: p.expectedRange ?? null, features: p.features ?? [], mean: p.mean ?? [], std: p.std ?? [],
});

/** The output reading as proto3 fields: argmax -1 and label empty when absent. */
export const readingMessage = (r: Partial<OutputReading>) => ({ outputFloat: r.outputFloat ?? [], argmax: r.argmax ?? -1, label: r.label ?? "" });

/** The service names input fields `input.values[3]`; a gRPC request has them as `values[3]`. */
export const warningMessage = (w: InputWarning | undefined) =>
  w ? { ...w, field: w.field.replace(/^input\.values/, "values"), message: w.message.split("input.values").join("values") } : null;

export function proofMessage(r: ProofRecord) {
  return {
    requestId: r.requestId,
    modelId: r.modelId,
    status: statusEnum(r.status),
    output: r.output,
    inputCommitment: r.inputCommitment ?? "",
    nonce: r.nonce ?? "",
    proofJson: r.proof === undefined ? "" : JSON.stringify(r.proof),
    publicSignals: r.publicSignals ?? [],
    calldataJson: r.calldata === undefined ? "" : JSON.stringify(r.calldata),
    error: r.error ?? "",
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    provingMs: r.provingMs ?? 0,
    escrowRequestId: r.escrowRequestId ?? "",
    settlement: r.settlement ? { status: r.settlement.status, txHash: r.settlement.txHash ?? "", error: r.settlement.error ?? "", chainGone: r.settlement.chainGone, token: r.settlement.token ?? "", amount: r.settlement.amount ?? "", gasUsed: r.settlement.gasUsed ?? "" } : null,
    modelName: r.modelName ?? "",
    setup: r.setup ?? null,
    ...readingMessage(r),
  };
}

/** GET /v1/chain's answer; nulls become proto3's empty strings. */
export function chainMessage(c: ChainInfo) {
  return {
    chainId: c.chainId,
    rpcUrl: c.rpcUrl ?? "",
    operator: c.operator,
    contracts: { registry: c.contracts.registry, escrow: c.contracts.escrow, oracle: c.contracts.oracle ?? "" },
    models: c.models.map((m) => ({ id: m.id, name: m.name, verifier: m.verifier ?? "", payment: paymentMessage(m.payment) })),
  };
}
