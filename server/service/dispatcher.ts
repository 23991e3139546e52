/**
 * Moves jobs from `queued` to the prover pool and back into the store. It hands the pool at
 * most one job per thread, so a row is `proving` exactly while a worker proves it, and the
 * rest wait as `queued` rows in SQLite (durable), in arrival order. Each result is checked
 * against the served output before it is stored (check-proof.ts). With an untrusted prover (the
 * fleet: `proving` then means handed to the fleet), every proof is also verified in full
 * (check-untrusted.ts); a bad one is rejected and the job retried, by another node if any.
 */
import { groth16Calldata } from "../../verifier-contracts/groth16-verifier.ts";
import type { JobStore, JobRow } from "../jobs/index.ts";
import type { Prover, ProverResult, ProveTask } from "../pool/index.ts";
import { untrustedProblem } from "./check-untrusted.ts";
import { proofMismatch } from "./check-proof.ts";
import type { LoadedModel } from "./models.ts";
import type { ServiceLogger } from "../core/logger.ts";

export interface DispatcherDeps {
  store: JobStore;
  pool: Prover;
  models: Map<string, LoadedModel>;
  log: ServiceLogger;
  maxAttempts: number;
  /** Called after every stored transition of a job. */
  notify(requestId: string): void;
  /** Called once per proved job with its proving time and model. */
  onProved(provingMs: number, modelId: string): void;
}

export class Dispatcher {
  private queue: string[] = [];
  private readonly inFlight = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private stopped = false;

  constructor(private readonly d: DispatcherDeps) {}

  enqueue(requestId: string): void {
    if (this.stopped) return;
    this.queue.push(requestId);
    this.pump();
  }

  get proving(): number {
    return this.inFlight.size;
  }

  private pump(): void {
    while (!this.stopped && this.inFlight.size < this.d.pool.maxInFlight && this.queue.length > 0) {
      const id = this.queue.shift()!;
      if (this.inFlight.has(id)) continue;
      if (this.d.pool.reportsStart) {
        // The fleet: the row stays `queued` while the job waits in Redis; `proving` once a node takes it.
        if (this.d.store.get(id)?.status !== "queued") continue;
      } else {
        // The guarded UPDATE: if the row is no longer `queued`, someone else has it.
        if (!this.d.store.startProving(id)) continue;
        this.d.notify(id);
      }
      const abort = new AbortController();
      const done = this.run(id, abort.signal).finally(() => {
        this.inFlight.delete(id);
        this.pump();
      });
      this.inFlight.set(id, { abort, done });
    }
  }

  private task(row: JobRow, m: LoadedModel): ProveTask {
    return {
      requestId: row.request_id,
      zkeyPath: m.zkeyPath,
      wasmPath: m.wasmPath,
      onnxPath: m.needsWeights ? m.dir.onnxPath : undefined,
      layout: { visibility: m.info.visibility, weightInputs: m.dir.manifest.weightInputs, publicSignals: m.info.publicSignals },
      x: JSON.parse(row.input) as number[],
      salt: row.salt ?? undefined,
      inputSalt: row.input_salt ?? undefined,
      nonce: row.nonce ?? undefined,
    };
  }

  private async run(id: string, signal: AbortSignal): Promise<void> {
    const { store, log } = this.d;
    let row = store.get(id)!;
    const m = this.d.models.get(row.model_id)!;
    // Idempotent: `queued` → `proving` once (the guarded UPDATE), then the row as it now is.
    const started = () => {
      if (store.db.open && store.startProving(id)) this.d.notify(id);
      row = store.get(id) ?? row;
    };
    let result: ProverResult;
    try {
      result = await this.d.pool.prove(this.task(row, m), signal, started);
    } catch (e) {
      // Stopped (close past its timeout): the row stays `proving`; the next start re-queues it.
      if (this.stopped) return;
      started();
      const msg = `proving failed (attempt ${row.attempts + 1} of ${this.d.maxAttempts}): ${(e as Error).message}`;
      log.warn(`job ${id}: ${msg}`);
      this.retryOrFail(row.request_id, row.attempts, msg);
      return;
    }
    if (!store.db.open) return; // closed while this proof finished past the timeout
    started(); // an answer whose start was not seen (the fleet's event missed) still counts as an attempt
    const served = { input: JSON.parse(row.input), output: JSON.parse(row.output), inputCommitment: row.input_commitment ?? undefined, salt: row.salt ?? undefined, nonce: row.nonce ?? undefined };
    if (this.d.pool.untrusted) {
      const problem = await untrustedProblem(m, served, result);
      if (!store.db.open) return;
      if (problem) {
        log.warn(`job ${id}: proof from prover node ${result.node ?? "unknown"} rejected: ${problem}`);
        this.d.pool.rejected?.(id, result.node, problem);
        this.retryOrFail(id, row.attempts, `proof from prover node ${result.node ?? "unknown"} rejected (attempt ${row.attempts + 1} of ${this.d.maxAttempts}): ${problem}`);
        return;
      }
    }
    const mismatch = await proofMismatch(m, served, result.publicSignals);
    if (!store.db.open) return;
    if (mismatch) {
      // Never retried: the same input gives the same witness. A compiler bug; say so loudly.
      log.error(`BUG: job ${id} (model ${m.info.name}): the proof does not carry the served output: ${mismatch}`);
      store.markFailed(id, `internal error: the proof does not match the served output (${mismatch}); please report this`);
    } else {
      const calldata = groth16Calldata(result.proof, result.publicSignals).map(function dec(v: unknown): unknown {
        return Array.isArray(v) ? v.map(dec) : String(v);
      });
      if (store.markProved(id, { proof: result.proof, publicSignals: result.publicSignals, calldata, provingMs: result.provingMs, setup: { vkeyHash: m.info.vkeyHash, trusted: m.info.trusted } })) {
        this.d.pool.accepted?.(id, result.node);
        this.d.onProved(result.provingMs, row.model_id);
      }
    }
    this.d.pool.settled?.(id);
    this.d.notify(id);
  }

  /** A failed attempt: queued again, or failed once maxAttempts are spent. */
  private retryOrFail(id: string, attempts: number, msg: string): void {
    const { store } = this.d;
    if (attempts + 1 >= this.d.maxAttempts) {
      store.markFailed(id, msg);
      this.d.pool.settled?.(id);
    } else if (store.requeue(id, msg)) this.queue.push(id);
    this.d.notify(id);
  }

  /**
   * Stops dispatching; waits up to `timeoutMs` for the proofs in flight, then aborts the rest.
   * Aborted jobs keep their `proving` rows, so the next start re-queues them.
   */
  async stop(timeoutMs: number): Promise<number> {
    this.stopped = true;
    this.queue = [];
    const all = Promise.allSettled([...this.inFlight.values()].map((f) => f.done));
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([all.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), timeoutMs)))]);
    clearTimeout(timer);
    if (!timedOut) return 0;
    const left = this.inFlight.size;
    for (const f of this.inFlight.values()) f.abort.abort(new Error("service closing"));
    await all;
    return left;
  }
}
