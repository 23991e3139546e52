/**
 * ZkinferClient: the gateway's API for programs, in a browser or in Node. Models and inference
 * over HTTP; proofs awaited by events or polling and verified locally with snarkjs; paid
 * requests opened on the gateway's escrow with ethers (every term checked before a transaction
 * is sent) and followed to their settlement; oracle feeds read.
 *
 * @example
 *   const zk = new ZkinferClient({ baseUrl: "http://127.0.0.1:8080" });
 *   const r = await zk.infer("digits-mlp", pixels);
 *   const record = await zk.waitForProof(r.requestId);
 *   const verdict = await zk.verifyLocally(record, "digits-mlp");
 *   const paid = await zk.inferPaid({ signer, modelId: "digits-mlp", input: pixels });
 */
import { commitInput } from "./commitment.ts";
import { ZkinferClientError } from "./errors.ts";
import { openRequest, type OpenRequestOptions } from "./escrow.ts";
import { Http } from "./http.ts";
import { readFeed, type ReadOracleOptions } from "./oracle.ts";
import { waitForProof, waitForSettlement } from "./proof-wait.ts";
import { verifyProof, type ProofInput } from "./verify.ts";
import type {
  ChainInfo, InferOptions, InferResult, InputCommitment, ListedModel, LocalVerdict, ModelInfo, OpenedRequest, OracleValue, PaidInference, ProofRecord, WaitOptions, ZkinferClientOptions,
} from "./types.ts";

const enc = encodeURIComponent;

export class ZkinferClient {
  private readonly http: Http;
  private readonly vkeys = new Map<string, Promise<unknown>>();

  constructor(options: ZkinferClientOptions) {
    this.http = new Http(options);
  }

  /** GET /v1/models: ready models with their cards, the others with their state. */
  async models(): Promise<ListedModel[]> {
    return (await this.http.get<{ models: ListedModel[] }>("/v1/models")).models;
  }

  /** GET /v1/models/{id}: a ready model's card, by id, CID or name. */
  model(id: string): Promise<ModelInfo> {
    return this.http.get<ModelInfo>(`/v1/models/${enc(id)}`);
  }

  /** GET /v1/chain: chain id, RPC URL, contracts, operator and prices. Throws HTTP 404 when the gateway has no chain. */
  chain(): Promise<ChainInfo> {
    return this.http.get<ChainInfo>("/v1/chain");
  }

  /** POST /v1/models/{id}/infer: the output now, the proof queued. */
  infer(modelId: string, input: unknown, o: InferOptions = {}): Promise<InferResult> {
    const str = (v: unknown) => (v === undefined ? undefined : String(v));
    return this.http.post<InferResult>(`/v1/models/${enc(modelId)}/infer`, {
      input, kind: o.kind ?? "int8", escrowRequestId: str(o.escrowRequestId), inputSalt: str(o.inputSalt), nonce: str(o.nonce),
    });
  }

  /** GET /v1/proofs/{id}. */
  proof(requestId: string): Promise<ProofRecord> {
    return this.http.get<ProofRecord>(`/v1/proofs/${enc(requestId)}`);
  }

  /** GET /v1/proofs: the jobs, newest first; `cursor` is the previous page's nextCursor. */
  listProofs(q: { limit?: number; cursor?: string; status?: string; model?: string; escrowRequestId?: string } = {}): Promise<{ proofs: ProofRecord[]; nextCursor: string | null }> {
    const qs = Object.entries(q).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}=${encodeURIComponent(String(v))}`).join("&");
    return this.http.get(`/v1/proofs${qs ? `?${qs}` : ""}`);
  }

  /** The record once proved or failed: server-sent events, or polling when the stream is unavailable. */
  waitForProof(requestId: string, o: WaitOptions = {}): Promise<ProofRecord> {
    return waitForProof(this.http, requestId, o);
  }

  /**
   * The record once its escrow request is settled or failed (settlement follows the proof), or
   * once the proof failed; server-sent events as for waitForProof, polling as the fallback.
   */
  waitForSettlement(requestId: string, o: WaitOptions = {}): Promise<ProofRecord> {
    return waitForSettlement(this.http, requestId, o);
  }

  /** The model's verifying key (GET /v1/models/{id}/vkey), fetched once per model. */
  vkey(modelId: string): Promise<unknown> {
    let v = this.vkeys.get(modelId);
    if (!v) {
      v = this.http.get<unknown>(`/v1/models/${enc(modelId)}/vkey`);
      v.catch(() => this.vkeys.delete(modelId));
      this.vkeys.set(modelId, v);
    }
    return v;
  }

  /**
   * Verifies a job record (or { proof, publicSignals }) here, with snarkjs and the model's
   * verifying key, and checks the key's hash, the model id, the weights, input and output
   * commitments and the nonce against the card and the record.
   */
  async verifyLocally(proof: ProofInput, model: string | ModelInfo): Promise<LocalVerdict> {
    const card = typeof model === "string" ? await this.model(model) : model;
    return verifyProof(proof, card, await this.vkey(card.id));
  }

  /** The input commitment (and salt) a proof of `model` on `values` will carry, computed here. */
  async commitInput(model: string | ModelInfo, values: unknown, salt?: string | bigint): Promise<InputCommitment> {
    return commitInput(typeof model === "string" ? await this.model(model) : model, values, salt);
  }

  /**
   * Opens an ETH escrow request for a proof of `modelId` on `input`, after checking the signer's
   * chain, the escrow, the model's registration, the price and the deadline against the gateway
   * and the chain (ZkinferClientError naming the wrong value, nothing sent).
   */
  async openEscrowRequest(o: OpenRequestOptions): Promise<OpenedRequest> {
    if (typeof o?.modelId !== "string" || o.modelId === "") throw new ZkinferClientError("INVALID_ARGUMENT", `modelId: expected a model id or name, got ${JSON.stringify(o?.modelId)}`, "modelId");
    const [chain, card] = await Promise.all([this.chain(), this.model(o.modelId)]);
    return openRequest(chain, card, o);
  }

  /** Opens the request, infers with it, waits for the settlement; throws SETTLEMENT_FAILED / PROOF_FAILED. */
  async inferPaid(o: OpenRequestOptions & { wait?: WaitOptions }): Promise<PaidInference> {
    const request = await this.openEscrowRequest(o);
    const result = await this.infer(o.modelId, o.input, { escrowRequestId: request.requestId, inputSalt: request.inputSalt });
    const proved = await this.waitForProof(result.requestId, o.wait);
    if (proved.status === "failed") throw new ZkinferClientError("PROOF_FAILED", `request ${result.requestId}: the proof failed (${proved.error}); escrow request ${request.requestId} can be refunded after ${request.deadline}`, "requestId");
    const record = await this.waitForSettlement(result.requestId, o.wait);
    if (record.settlement!.status !== "settled") {
      throw new ZkinferClientError("SETTLEMENT_FAILED", `request ${result.requestId}: escrow request ${request.requestId} was not settled (${record.settlement!.error}); it can be refunded after ${request.deadline}`, "escrowRequestId");
    }
    const receipt = await o.signer.provider!.getTransactionReceipt(record.settlement!.txHash!);
    if (!receipt) throw new ZkinferClientError("CHAIN", `settle transaction ${record.settlement!.txHash} has no receipt on the signer's chain`, "escrowRequestId");
    return { request, result, record, receipt };
  }

  /** A feed's latest proven value on the gateway's oracle (or `oracle`); with maxAge, refused when stale. */
  async readOracle(o: ReadOracleOptions): Promise<OracleValue> {
    let address = o.oracle;
    if (address === undefined) {
      const chain = await this.chain();
      if (!chain.contracts.oracle) throw new ZkinferClientError("INVALID_ARGUMENT", "oracle: the gateway names no oracle (GET /v1/chain contracts.oracle is null); pass options.oracle", "oracle");
      const net = await o.provider.getNetwork();
      if (net.chainId !== BigInt(chain.chainId)) throw new ZkinferClientError("WRONG_CHAIN", `chainId: the provider is on chain ${net.chainId}, the gateway's oracle on chain ${chain.chainId}`, "chainId");
      address = chain.contracts.oracle;
    }
    return readFeed(address, o);
  }
}

