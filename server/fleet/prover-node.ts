/**
 * A prover node (`zkinfer prover`): a BullMQ worker with its own Piscina pool (the gateway's
 * pool, server/pool: the same worker code proves here), one job per thread. It fetches each
 * job's artifacts by content hash (artifact-cache.ts), proves, and returns the proof; the
 * gateway checks it. Nodes join and leave at any time: a node killed mid-proof holds a lock
 * that expires, and BullMQ's stalled-job check hands the job to another node.
 */
import os from "node:os";
import { DelayedError, Worker, type Job } from "bullmq";
import { ProverPool } from "../pool/index.ts";
import { ArtifactCache, type ArtifactSources } from "./artifact-cache.ts";
import { poolTask, type FleetJobData, type FleetResult } from "./job.ts";
import { connectRedis, redactedUrl, type RedisLog } from "./redis.ts";
import { nodeLabel } from "./node-tally.ts";

export interface ProverNodeOptions {
  /** redis://host:port of the queue. */
  queue: string;
  queueName: string;
  threads: number;
  /** The node's name in metrics and fleet status; default host-pid. */
  name?: string;
  artifacts: ArtifactSources;
  /** BullMQ lock of an active job; a node silent this long is taken for dead. */
  lockMs?: number;
  /** How often this node looks for jobs whose node died. */
  stalledMs?: number;
  log: RedisLog & { error(msg: string): void };
}

/** Production defaults: BullMQ's (30 s lock, 30 s stalled check); a job may stall twice before it fails. */
export const NODE_DEFAULTS = { lockMs: 30_000, stalledMs: 30_000, maxStalledCount: 2, avoidRetryMs: 500 } as const;

/**
 * Test-only seams, passed by code (test/helpers/fleet-node.ts), never by a flag, an
 * environment variable or a config key: the CLI does not pass them.
 */
export interface ProverNodeHooks {
  afterProve?(result: FleetResult, job: FleetJobData): Promise<FleetResult> | FleetResult;
}

export interface ProverNode {
  readonly name: string;
  close(): Promise<void>;
}

export async function startProverNode(o: ProverNodeOptions, hooks: ProverNodeHooks = {}): Promise<ProverNode> {
  const name = nodeLabel(o.name ?? `${os.hostname()}-${process.pid}`);
  if (name === "unknown" && o.name !== "unknown") throw new Error(`node name ${JSON.stringify(o.name)}: use 1-64 letters, digits, . _ : @ -`);
  const cache = new ArtifactCache(o.artifacts);
  const pool = new ProverPool(o.threads);
  const connection = connectRedis(o.queue, o.log, `prover node ${name}`);

  async function handle(job: Job<FleetJobData, FleetResult>, token?: string): Promise<FleetResult> {
    const d = job.data;
    // The gateway rejected this node's proof of the job: leave the retry to another node for a while.
    if (Array.isArray(d.avoid) && d.avoid.includes(name) && Date.now() < Number(d.avoidUntil ?? 0)) {
      await job.moveToDelayed(Date.now() + NODE_DEFAULTS.avoidRetryMs, token);
      throw new DelayedError();
    }
    const a = d.artifacts ?? ({} as FleetJobData["artifacts"]);
    const files = { wasm: await cache.get(a.wasm), zkey: await cache.get(a.zkey), ...(a.onnx !== undefined ? { onnx: await cache.get(a.onnx) } : {}) };
    const r = await pool.prove(poolTask(d, files));
    const out: FleetResult = { ...r, node: name };
    return hooks.afterProve ? hooks.afterProve(out, d) : out;
  }

  const worker = new Worker<FleetJobData, FleetResult>(o.queueName, handle, {
    connection,
    concurrency: o.threads,
    name,
    lockDuration: o.lockMs ?? NODE_DEFAULTS.lockMs,
    stalledInterval: o.stalledMs ?? NODE_DEFAULTS.stalledMs,
    maxStalledCount: NODE_DEFAULTS.maxStalledCount,
  });
  worker.on("failed", (job, e) => {
    if (job && !(e instanceof DelayedError)) o.log.warn(`job ${job.id}: ${e.message}`);
  });
  worker.on("error", () => {}); // connection outages are logged once by redis.ts
  o.log.info(`prover node ${name}: ${o.threads} thread(s) on queue ${o.queueName} at ${redactedUrl(o.queue)}`);
  return {
    name,
    async close() {
      await worker.close();
      await pool.destroy();
      connection.disconnect();
    },
  };
}
