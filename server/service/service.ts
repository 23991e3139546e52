/**
 * createService: the InferenceService the HTTP and gRPC edges call. It wires the parts:
 * config → models (built and set up if missing) → onnxruntime sessions → SQLite job store
 * (interrupted jobs re-queued) → prover pool → dispatcher. infer() answers from onnxruntime
 * at once and leaves the proof to the pool; nothing is stored when a request is refused.
 */
import { randomUUID } from "node:crypto";
import { freshSalt, inputCommitment } from "../../prover/commitment.ts";
import { verifyGroth16 } from "../../prover/prove.ts";
import { modelCommitmentMismatch } from "../../prover/model-commitments.ts";
import { resolveConfig, type ServiceConfig, type ServiceConfigInput } from "../config/index.ts";
import { runSession } from "../engine/index.ts";
import { JobStore, toProofRecord, type JobRow } from "../jobs/index.ts";
import { ProverPool, type Prover } from "../pool/index.ts";
import { Dispatcher } from "./dispatcher.ts";
import { loadModel, modelFolders, type LoadedModel } from "./models.ts";
import { ModelRegistry } from "./model-registry.ts";
import { stdoutLogger, type ServiceLogger } from "../core/logger.ts";
import { checkProofShape, checkPublicSignals } from "./verify.ts";
import { checkInputSalt } from "./input-salt.ts";
import { checkNonce } from "./nonce.ts";
import { Watchers } from "./watchers.ts";
import { clipWarning, commitInput, quantizedInput } from "./commit.ts";
import { listProofs } from "./list-proofs.ts";
import { readOutput } from "./model-card.ts";
import { isFinal } from "../core/records.ts";
import { ProvingTimes, queueWait } from "./queue-wait.ts";
import { paymentInfo, startSettlement, settlementEnabled, unknownPriceKeys, type Settlement } from "../settlement/index.ts";
import { admitPaidRequest, settlementSite } from "./paid-request.ts";
import { checkEscrowRequestId, nonceMismatch } from "./request-checks.ts";
import { chainInfo } from "./chain-info.ts";
import { ServiceError, type InferenceService, type InferInput, type InferResult, type ProofRecord } from "../core/types.ts";

export interface CreateServiceOptions {
  logger?: ServiceLogger;
  /**
   * Resolve at once and load the models in the background (the gateway: it answers /healthz and
   * reports each model's state while setups run). Default: resolve once every model is loaded,
   * and reject with the first model that fails.
   */
  background?: boolean;
}

export interface Service extends InferenceService {
  readonly config: ServiceConfig;
  /** Where jobs with an escrowRequestId are settled; undefined when settlement is off. */
  readonly chain?: { chainId: number; rpcUrl: string; escrow: string; registry: string; operator: string };
  /** Settles when the background loading is over (every model ready or failed). */
  readonly loaded: Promise<void>;
}

/** How long a client is told to wait for a model that is still building. */
const BUILDING_RETRY_S = 10;

/** Proving times kept for stats() (the edges build their histogram from these samples). */
const PROVING_SAMPLES = 1024;

/**
 * Starts the service: resolves when every configured model is loaded, interrupted jobs are
 * re-queued and the pool is running.
 *
 * @example
 *   const service = await createService(loadConfig());
 *   const r = await service.infer("digits-mlp", { kind: "float", values: pixels });
 *   const proved = await service.waitForProof(r.requestId, 30_000);
 *   await service.close();
 */
export async function createService(config: ServiceConfigInput | ServiceConfig = {}, options: CreateServiceOptions = {}): Promise<Service> {
  const cfg = resolveConfig(config);
  const log = options.logger ?? stdoutLogger;
  const registry = await ModelRegistry.open(modelFolders(cfg, log));
  const models = registry.loaded;
  const store = new JobStore(cfg.dbPath);
  let pool: Prover;
  // Fleet mode: the same dispatcher hands jobs to BullMQ instead of the in-process pool; every
  // queued job goes to the fleet at once (Redis holds them), so queueLimit bounds both.
  // Loaded only in fleet mode: the embedded default never loads BullMQ.
  const fleet = cfg.queue ? new (await import("../fleet/index.ts")).FleetProver({ url: cfg.queue, queueName: cfg.queueName, threads: cfg.poolThreads, maxInFlight: cfg.queueLimit, log }) : undefined;
  try {
    pool = fleet ?? new ProverPool(cfg.poolThreads);
  } catch (e) {
    store.close();
    throw e;
  }
  const watchers = new Watchers();
  const provingSeconds: number[] = [];
  const provingTimes = new ProvingTimes();
  const constraintsOf = (id: string) => models.get(id)?.dir.manifest.circuit.constraints ?? 0;
  let settlement: Settlement | undefined;
  const dispatcher = new Dispatcher({
    store,
    pool,
    models,
    log,
    maxAttempts: cfg.maxAttempts,
    notify: (id) => {
      const row = watchers.has(id) || settlement ? store.get(id) : undefined;
      if (row && watchers.has(id)) watchers.emit(recordOf(row));
      // Proved with an escrow request to settle: hand it to the settler.
      if (row?.status === "proved" && row.settlement_status === "pending") settlement?.settler.enqueue(id);
    },
    onProved: (ms, modelId) => {
      provingTimes.add(modelId, ms / 1000, constraintsOf(modelId));
      provingSeconds.push(ms / 1000);
      if (provingSeconds.length > PROVING_SAMPLES) provingSeconds.shift();
    },
  });

  let closing = false;
  const waiters = new Set<(e: Error) => void>(); // pending waitForProof calls, released by close()
  let reserved = 0; // admitted requests not yet stored (they count toward the queue limit)
  const admitting = new Set<string>(); // escrow requests being read from the chain, not yet stored
  const modelList = () => [...new Set(models.values())].map((m) => m.info);

  // A crash (or a close past its timeout) left these `proving`: prove them again once their model is ready.
  const recovered = store.recover();
  const toResume = store.queued();
  if (recovered || toResume.length) log.info(`job store ${cfg.dbPath}: ${recovered} interrupted job(s) re-queued, ${toResume.length} queued job(s) to resume`);

  const names = registry.list().map((m) => m.name);
  log.info(`loading ${names.length} model(s): ${names.join(", ")}`);
  for (const m of registry.list()) if (m.state === "failed") log.error(`model ${m.name}: failed: ${m.reason}`);
  const chained = settlementEnabled(cfg.chain);
  const failures: Error[] = [];

  /** Models become ready one by one; with a chain, all at once when settlement is up (it registers their verifiers). */
  async function loadAll(): Promise<void> {
    const done: LoadedModel[] = [];
    const unreadable = registry.list().find((m) => m.state === "failed");
    if (unreadable && !options.background) return void failures.push(new Error(`model ${unreadable.name}: ${unreadable.reason}`));
    for (const { name, dir } of registry.pending()) {
      if (closing) return;
      try {
        const lm = await loadModel(dir, cfg, log);
        if (closing) return;
        done.push(lm);
        if (!chained) ready([lm]);
      } catch (e) {
        failures.push(e as Error);
        registry.markFailed(name, (e as Error).message);
        log.error(`model ${name}: failed: ${(e as Error).message}`);
        if (!options.background) return;
      }
    }
    const served = new Set(done.map((m) => m.info.id));
    for (const r of toResume) if (!served.has(r.model_id)) log.warn(`job ${r.request_id}: model ${r.model_id.slice(0, 12)} is not loaded; left queued for a start that loads it`);
    if (closing || !chained || (failures.length && !options.background)) return;
    try {
      await startChain(done);
      ready(done);
    } catch (e) {
      failures.push(e as Error);
      for (const m of done) registry.markFailed(m.info.name, `settlement did not start: ${(e as Error).message}`);
      log.error(`settlement did not start: ${(e as Error).message}`);
    }
  }

  function ready(list: LoadedModel[]): void {
    for (const lm of list) {
      registry.markReady(lm);
      for (const r of toResume) if (r.model_id === lm.info.id) dispatcher.enqueue(r.request_id);
    }
  }

  // Settlement (issue #5): connect, find (or deploy) the models' verifiers, then settle what a
  // previous run proved but did not finish settling.
  async function startChain(uniqueModels: LoadedModel[]): Promise<void> {
    settlement = await startSettlement(cfg.chain, {
      store, log, models: uniqueModels,
      notify: (id) => {
        if (!watchers.has(id)) return;
        const row = store.get(id);
        if (row) watchers.emit(recordOf(row));
      },
    });
    for (const m of uniqueModels) {
      const v = settlement.verifiers.get(m.info.id);
      if (v) m.info.verifierAddress = v;
      m.info.payment = paymentInfo(cfg.chain, m.info, settlementSite(settlement));
      const refused = settlement.refused.get(m.info.id);
      if (refused && m.info.payment.paidRequests) m.info.payment = { ...m.info.payment, paidRequests: false, reason: refused };
    }
    for (const k of unknownPriceKeys(cfg.chain, uniqueModels.map((m) => m.info))) log.warn(`options.chain.modelPrices[${JSON.stringify(k)}]: no loaded model has this name or id; ignored`);
    const n = settlement.settler.resume();
    if (n) log.info(`settlement: ${n} proved job(s) resumed`);
  }
  if (!chained && cfg.chain.mode !== "off") {
    log.info(`settlement off: options.chain.mode is ${cfg.chain.mode} but chain.rpcUrl, chain.privateKey and chain.escrow are not all set`);
  }

  const open = () => {
    if (closing) throw new ServiceError("UNAVAILABLE", "the service is shutting down", undefined, 1);
  };
  const model = (idOrName: string): LoadedModel => {
    const m = typeof idOrName === "string" ? models.get(idOrName) : undefined;
    if (m) return m;
    const s = typeof idOrName === "string" ? registry.status(idOrName) : undefined;
    if (s?.state === "building") throw new ServiceError("UNAVAILABLE", `model: ${s.name} is not ready yet (state building: circuit and setup in progress); retry in ${BUILDING_RETRY_S} s`, "model", BUILDING_RETRY_S);
    if (s?.state === "failed") throw new ServiceError("UNAVAILABLE", `model: ${s.name} is not served (state failed: ${s.reason})`, "model", 60);
    throw new ServiceError("NOT_FOUND", `model: no model with id, CID or name ${JSON.stringify(idOrName)} (known: ${registry.list().map((i) => i.name).join(", ")})`, "model");
  };
  const record = (requestId: string): ProofRecord => {
    if (!store.db.open) throw new ServiceError("UNAVAILABLE", "the service is closed");
    const row = typeof requestId === "string" ? store.get(requestId) : undefined;
    if (!row) throw new ServiceError("NOT_FOUND", `requestId: no request ${JSON.stringify(requestId)}`, "requestId");
    return recordOf(row);
  };
  /** A job as the edges show it: the stored record, with its model's name, key trust and output reading while the model is served. */
  function recordOf(row: JobRow): ProofRecord {
    const rec = toProofRecord(row);
    const m = models.get(row.model_id);
    if (!m) return rec;
    rec.modelName = m.info.name;
    // Not proved yet: the key that will prove it is the served one.
    if (!rec.setup && rec.status !== "proved") rec.setup = { trusted: m.info.trusted, vkeyHash: m.info.vkeyHash };
    if (rec.output.length) Object.assign(rec, readOutput(m.info, rec.output));
    return rec;
  }
  /** A list filter's model: a served model by id, CID or name, a building or failed one by name, or any 64-hex id (a model no longer served). */
  const modelIdOf = (q: string): string => {
    if (typeof q === "string" && /^[0-9a-f]{64}$/.test(q)) return q;
    return models.get(q)?.info.id ?? registry.status(q)?.id ?? model(q).info.id;
  };
  const meanProvingSeconds = () => (provingSeconds.length ? provingSeconds.reduce((a, b) => a + b, 0) / provingSeconds.length : 1);
  const active = () => {
    const c = store.counts();
    return c.queued + c.proving + reserved;
  };

  const service: Service = {
    config: cfg,
    // A getter: settlement starts once the models are loaded, after the service exists.
    get chain() {
      return settlement && {
        chainId: settlement.chainId, rpcUrl: cfg.chain.rpcUrl, escrow: settlement.client.address,
        registry: settlement.registry, operator: settlement.client.wallet.address,
      };
    },
    listModels: () => modelList(),
    modelStates: () => registry.list(),
    loaded: Promise.resolve(),
    getModel: (idOrName) => model(idOrName).info,
    getVkey: (idOrName) => model(idOrName).vkey,
    getPrice: (idOrName) => model(idOrName).info.payment,
    getChain: () => chainInfo(settlement, cfg.chain, modelList()),

    async infer(idOrName: string, input: InferInput): Promise<InferResult> {
      open();
      const m = model(idOrName);
      const checked = quantizedInput(m, input);
      const x = checked.x;
      const escrowRequestId = checkEscrowRequestId(input.escrowRequestId, m, settlement !== undefined, store);
      if (escrowRequestId !== undefined && admitting.has(escrowRequestId)) {
        throw new ServiceError("INVALID_ARGUMENT", `escrowRequestId: escrow request ${escrowRequestId} is being admitted for another call`, "escrowRequestId");
      }
      const inputSalt = checkInputSalt(input.inputSalt, m);
      const nonce = checkNonce(input.nonce, m);
      // Admission before any work or storage: a slot is reserved across the awaits below, so
      // concurrent requests cannot overshoot the limit.
      const depth = active();
      if (depth >= cfg.queueLimit) {
        const retry = Math.max(1, Math.ceil((depth / cfg.poolThreads) * meanProvingSeconds()));
        throw new ServiceError("QUEUE_FULL", `the proof queue is full (${depth} of ${cfg.queueLimit} jobs queued or proving); retry in ${retry} s`, undefined, retry);
      }
      reserved++;
      if (escrowRequestId !== undefined) admitting.add(escrowRequestId);
      try {
        const xs = Array.from(x);
        const commitment = m.info.visibility.input === "public" ? undefined : (await inputCommitment(xs, inputSalt)).toString();
        // A paid request is judged on chain before any work: nothing is stored or proved for a
        // request that does not pay this server (checkEscrowRequestId ensured a commitment).
        // Its deadline must also cover the proofs queued ahead of it (this call's reservation excluded).
        if (escrowRequestId !== undefined) {
          const queue = queueWait(store.activeByModel(), reserved - 1, m.info.id, provingTimes, constraintsOf, 1, cfg.poolThreads);
          await admitPaidRequest(settlement!, cfg.chain, m, escrowRequestId, commitment!, queue);
        }
        const output = await runSession(m.session, x, m.dims);
        // A hashed output hides low-entropy outputs behind a random salt (kept with the job).
        const salt = m.info.visibility.output === "hashed" ? freshSalt().toString() : undefined;
        open();
        const requestId = randomUUID();
        store.insert({ requestId, modelId: m.info.id, input: xs, output, inputCommitment: commitment, salt, escrowRequestId, inputSalt: inputSalt?.toString(), nonce: nonce?.toString() });
        reserved--;
        dispatcher.enqueue(requestId);
        const r: InferResult = { requestId, modelId: m.info.id, output, ...readOutput(m.info, output), proof: { status: store.get(requestId)!.status } };
        const warning = clipWarning(m, checked);
        if (warning) r.warning = warning;
        if (commitment !== undefined) r.inputCommitment = commitment;
        if (inputSalt !== undefined) r.inputSalt = inputSalt.toString();
        if (salt !== undefined) r.outputSalt = salt;
        if (escrowRequestId !== undefined) r.escrowRequestId = escrowRequestId;
        if (nonce !== undefined) r.nonce = nonce.toString();
        return r;
      } catch (e) {
        reserved = Math.max(0, reserved - 1);
        throw e;
      } finally {
        if (escrowRequestId !== undefined) admitting.delete(escrowRequestId);
      }
    },

    getProof: record,

    async commit(idOrName, input) {
      open();
      return commitInput(model(idOrName), input);
    },

    listProofs(q) {
      if (!store.db.open) throw new ServiceError("UNAVAILABLE", "the service is closed");
      return listProofs(store, q, modelIdOf, recordOf);
    },

    watch(requestId, listener) {
      const r = record(requestId);
      const off = watchers.add(requestId, listener);
      listener(r);
      return off;
    },

    waitForProof(requestId, timeoutMs, opts = {}) {
      return new Promise<ProofRecord>((resolve, reject) => {
        let off = () => {};
        const fail = (e: Error) => {
          clearTimeout(timer);
          waiters.delete(fail);
          off();
          reject(e);
        };
        const what = opts.settlement ? "proof and settlement" : "proof";
        const timer = setTimeout(() => fail(new ServiceError("DEADLINE_EXCEEDED", `requestId: ${what} of ${requestId} not final within ${timeoutMs} ms`, "requestId")), timeoutMs);
        const settle = (r: ProofRecord) => {
          if (!(opts.settlement ? isFinal(r) : r.status === "proved" || r.status === "failed")) return;
          clearTimeout(timer);
          waiters.delete(fail);
          queueMicrotask(() => off());
          resolve(r);
        };
        waiters.add(fail);
        try {
          off = service.watch(requestId, settle);
        } catch (e) {
          fail(e as Error);
        }
      });
    },

    async verify(idOrName, proof, publicSignals, opts = {}) {
      const m = model(idOrName);
      const p = checkProofShape(proof);
      const s = checkPublicSignals(publicSignals, m.info.publicSignals.length);
      const expectedNonce = checkNonce(opts.nonce, m, { default: false });
      const reason = modelCommitmentMismatch(m.dir.manifest, s) ?? nonceMismatch(m, s, expectedNonce);
      if (reason) return { valid: false, reason };
      let ok = false;
      try {
        ok = await verifyGroth16(m.vkey, s, p);
      } catch {
        // e.g. a point not on the curve: a proof that does not verify
      }
      return ok ? { valid: true } : { valid: false, reason: "the Groth16 proof does not verify against the model's verifying key" };
    },

    health: () => ({ ok: store.db.open }),

    ready() {
      const reasons: string[] = [];
      if (closing) reasons.push("shutting down");
      const states = registry.list();
      for (const m of states) if (m.state === "building") reasons.push(`model ${m.name}: building`);
      if (!states.some((m) => m.state === "ready") && !registry.building) reasons.push(`no model is ready (${states.length ? states.map((m) => `${m.name}: ${m.state}`).join(", ") : `none configured in ${cfg.modelsDir}`})`);
      return { ready: reasons.length === 0, reasons, models: states };
    },

    stats() {
      const c = store.db.open ? store.counts() : { queued: 0, proving: 0, proved: 0, failed: 0 };
      return { ...c, poolThreads: pool.threads, poolUtilization: pool.utilization, provingSeconds: [...provingSeconds], ...(fleet ? { fleet: fleet.stats() } : {}) };
    },

    artifactPath: (sha256) => fleet?.artifacts.path(sha256),

    async close() {
      if (closing) return;
      closing = true;
      // Fleet jobs live on in Redis: nothing to wait for (the next start collects their outcome).
      const left = await dispatcher.stop(fleet ? 0 : cfg.shutdownTimeoutMs);
      if (left && !fleet) log.warn(`closing: ${left} proof(s) still running after ${cfg.shutdownTimeoutMs} ms; left for the next start`);
      // A settlement waiting for its receipt is abandoned: its hash is recorded, the next start checks it.
      await settlement?.close();
      await pool.destroy();
      store.close();
      // Whoever still waits gets an answer now rather than at their timeout; the proof itself
      // is not lost (the next start resumes it).
      for (const fail of [...waiters]) fail(new ServiceError("UNAVAILABLE", "the service closed before the proof was ready; it resumes on the next start", undefined, 1));
      log.info("service closed");
    },
  };
  const loading = loadAll();
  (service as { loaded: Promise<void> }).loaded = loading;
  if (!options.background) {
    await loading;
    if (failures.length) {
      await service.close();
      throw failures[0];
    }
  }
  return service;
}
