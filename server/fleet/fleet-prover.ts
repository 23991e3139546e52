/**
 * The gateway's side of the fleet: the Prover the dispatcher calls in fleet mode. prove() puts
 * the job on BullMQ with job id = request id (adding an id that exists is a no-op, so a retry or
 * a restarted gateway never duplicates a job), waits for its outcome (QueueEvents wake it up, a
 * slow poll covers missed events and a Redis that lost the job), reads it and removes it.
 * Nothing a node returns is trusted here: the dispatcher checks every proof (shape, verifying
 * key, served job) and calls rejected() for one that fails.
 */
import { Queue, QueueEvents, type Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Prover, ProverResult, ProveTask } from "../pool/index.ts";
import type { FleetStats } from "../core/types.ts";
import { ArtifactIndex } from "./artifacts.ts";
import { fleetJob, PROVE_JOB, type FleetJobData } from "./job.ts";
import { connectRedis, type RedisLog } from "./redis.ts";
import { nodeLabel, NodeTally } from "./node-tally.ts";

export interface FleetProverOptions {
  url: string;
  queueName: string;
  /** Proofs the fleet is expected to run at once (for wait estimates). */
  threads: number;
  /** Jobs handed to the fleet at once. */
  maxInFlight: number;
  log: RedisLog;
  /** How long nodes whose proof was rejected leave the retry to others. */
  avoidMs?: number;
  /** The safety poll of each job's state. */
  pollMs?: number;
}

const PROOF_SAMPLES = 1024;
const COUNTS_EVERY_MS = 2_000;
const CLOSE_WAIT_MS = 1_000;

/** Rejects as soon as `signal` aborts: a Redis command waiting for a reconnection cannot be cancelled itself. */
function abortable<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason ?? new Error("aborted"));
    // Attached first, whatever the signal: the abandoned wait's own rejection is handled here.
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

export class FleetProver implements Prover {
  readonly untrusted = true;
  readonly reportsStart = true;
  readonly threads: number;
  readonly maxInFlight: number;
  readonly artifacts = new ArtifactIndex();
  readonly tally: NodeTally;
  private readonly connections: Redis[];
  private readonly queue: Queue<FleetJobData, ProverResult>;
  private readonly events: QueueEvents;
  private readonly wake = new Map<string, () => void>();
  private readonly starts = new Map<string, () => void>();
  private readonly avoid = new Map<string, string[]>();
  private readonly proofSeconds: number[] = [];
  private jobs: Record<string, number> = {};
  private redisUp = false;
  private running = 0;
  private closed = false;
  private readonly countsTimer: NodeJS.Timeout;

  constructor(private readonly o: FleetProverOptions) {
    this.threads = o.threads;
    this.maxInFlight = o.maxInFlight;
    const main = connectRedis(o.url, o.log, "fleet queue");
    const blocking = connectRedis(o.url, o.log, "fleet events");
    this.connections = [main, blocking];
    this.queue = new Queue(o.queueName, { connection: main });
    this.events = new QueueEvents(o.queueName, { connection: blocking });
    this.tally = new NodeTally(main, o.queueName);
    const poke = ({ jobId }: { jobId: string }) => this.wake.get(jobId)?.();
    this.events.on("completed", poke);
    this.events.on("failed", poke);
    this.events.on("removed", poke);
    this.events.on("active", ({ jobId }: { jobId: string }) => this.starts.get(jobId)?.());
    this.queue.on("error", () => {}); // the connection logs outages once (redis.ts)
    this.events.on("error", () => {});
    this.countsTimer = setInterval(() => void this.readCounts(), COUNTS_EVERY_MS);
    this.countsTimer.unref();
    void this.readCounts();
  }

  get utilization(): number {
    return Math.min(1, this.running / Math.max(1, this.threads));
  }

  async prove(task: ProveTask, signal?: AbortSignal, started?: () => void): Promise<ProverResult> {
    this.running++;
    if (started) this.starts.set(task.requestId, started);
    const t0 = performance.now();
    try {
      const artifacts = {
        wasm: await this.artifacts.hash(task.wasmPath),
        zkey: await this.artifacts.hash(task.zkeyPath),
        ...(task.onnxPath ? { onnx: await this.artifacts.hash(task.onnxPath) } : {}),
      };
      const nodes = this.avoid.get(task.requestId) ?? [];
      const data = fleetJob(task, artifacts, { nodes, until: Date.now() + (this.o.avoidMs ?? 30_000) });
      const r = await abortable(this.outcome(task.requestId, data, signal), signal).finally(() => {
        this.wake.delete(task.requestId);
        this.starts.delete(task.requestId);
      });
      const seconds = (performance.now() - t0) / 1000;
      this.proofSeconds.push(seconds);
      if (this.proofSeconds.length > PROOF_SAMPLES) this.proofSeconds.shift();
      // A node's own timing is a claim: never more than the wait the gateway saw.
      const provingMs = Math.min(Math.max(0, Number(r.provingMs) || 0), Math.round(seconds * 1000));
      return { ...r, provingMs, node: nodeLabel(r.node) };
    } finally {
      this.running--;
    }
  }

  /** The job's outcome: an untrusted result, or an Error for a job a node failed. */
  private async outcome(id: string, data: FleetJobData, signal?: AbortSignal): Promise<ProverResult> {
    for (;;) {
      if (signal?.aborted) throw signal.reason ?? new Error("aborted");
      if (this.closed) throw new Error("fleet closed");
      const woken = this.sleep(id, signal);
      const job = (await this.queue.getJob(id)) as Job<FleetJobData, ProverResult> | undefined;
      const state = job ? await job.getState() : "unknown";
      if (state === "active") this.starts.get(id)?.(); // the poll sees what an event may have missed
      if (state === "unknown") {
        // New, or lost by Redis: (re)add. An id that exists is left as it is.
        await this.queue.add(PROVE_JOB, data, { jobId: id, attempts: 1, removeOnComplete: false, removeOnFail: false });
      } else if (state === "completed" && job) {
        const r = job.returnvalue;
        await job.remove().catch(() => {});
        return (typeof r === "object" && r !== null ? r : {}) as ProverResult;
      } else if (state === "failed" && job) {
        const reason = String(job.failedReason ?? "unknown reason").slice(0, 500);
        const node = nodeLabel(job.processedBy);
        await job.remove().catch(() => {});
        this.tally.add(node, "failed");
        this.note(id, node); // a node that fails a job (e.g. refuses its artifacts) leaves the retry to others too
        throw new Error(`prover node ${node} failed the job: ${reason}`);
      }
      await woken;
    }
  }

  /** Resolves on an event for the job, or after the poll interval. */
  private sleep(id: string, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      const t = setTimeout(done, this.o.pollMs ?? 1_000);
      signal?.addEventListener("abort", done);
      this.wake.set(id, done);
    });
  }

  rejected(requestId: string, node: string | undefined, _reason: string): void {
    const label = nodeLabel(node);
    this.tally.add(label, "rejected");
    this.note(requestId, label);
  }

  /** Remembers a node to avoid for this job's retries. */
  private note(requestId: string, label: string): void {
    const list = this.avoid.get(requestId) ?? [];
    if (!list.includes(label)) list.push(label);
    this.avoid.set(requestId, list);
  }

  settled(requestId: string): void {
    this.avoid.delete(requestId);
  }

  accepted(requestId: string, node: string | undefined): void {
    this.tally.add(nodeLabel(node), "proved");
    this.avoid.delete(requestId);
  }

  stats(): FleetStats {
    return { jobs: { ...this.jobs }, nodes: this.tally.snapshot(), proofSeconds: [...this.proofSeconds], redisUp: this.redisUp };
  }

  private async readCounts(): Promise<void> {
    try {
      this.jobs = await this.queue.getJobCounts("waiting", "active", "delayed", "completed", "failed", "prioritized");
      this.redisUp = true;
    } catch {
      this.redisUp = false;
    }
  }

  async destroy(): Promise<void> {
    this.closed = true;
    clearInterval(this.countsTimer);
    for (const w of this.wake.values()) w();
    // A graceful close waits for Redis; with Redis down it would wait forever: a second, then cut.
    const closing = Promise.allSettled([this.events.close(), this.queue.close()]);
    await Promise.race([closing, new Promise((r) => setTimeout(r, CLOSE_WAIT_MS).unref())]);
    for (const c of this.connections) c.disconnect();
  }
}
