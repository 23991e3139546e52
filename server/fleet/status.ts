/**
 * The fleet as Redis sees it, for `zkinfer fleet status`: the connected nodes (BullMQ workers,
 * by the name each node gave), the queue's jobs per state, and what the gateways counted of
 * each node (proofs accepted, rejected, failed).
 */
import { Queue } from "bullmq";
import { connectRedis, type RedisLog } from "./redis.ts";
import { readTally, type Outcome } from "./node-tally.ts";

export interface FleetStatus {
  nodes: { name: string; address: string; connectedSeconds: number }[];
  jobs: Record<string, number>;
  tally: Record<string, Record<Outcome, number>>;
}

export async function fleetStatus(url: string, queueName: string, log: RedisLog): Promise<FleetStatus> {
  const redis = connectRedis(url, log, "fleet status");
  const queue = new Queue(queueName, { connection: redis });
  queue.on("error", () => {});
  try {
    const [workers, jobs, tally] = await Promise.all([
      queue.getWorkers(),
      queue.getJobCounts("waiting", "active", "delayed", "prioritized", "completed", "failed"),
      readTally(redis, queueName),
    ]);
    // A worker holds more than one connection: one row per node name.
    const byName = new Map<string, FleetStatus["nodes"][number]>();
    for (const w of workers) {
      const raw = w.rawname ?? "";
      const i = raw.indexOf(":w:");
      const name = i >= 0 ? raw.slice(i + 3) : "(unnamed)";
      const age = Number(w.age ?? 0);
      const prev = byName.get(name);
      if (!prev || age > prev.connectedSeconds) byName.set(name, { name, address: (w.addr ?? "").replace(/:\d+$/, ""), connectedSeconds: age });
    }
    return { nodes: [...byName.values()].sort((a, b) => a.name.localeCompare(b.name)), jobs, tally };
  } finally {
    await queue.close().catch(() => {});
    redis.disconnect();
  }
}

/** The status as text for a person. */
export function formatFleetStatus(s: FleetStatus): string {
  const lines = [`queue: ${Object.entries(s.jobs).map(([k, v]) => `${k} ${v}`).join(", ")}`, `nodes connected: ${s.nodes.length}`];
  const names = new Set([...s.nodes.map((n) => n.name), ...Object.keys(s.tally)]);
  for (const name of [...names].sort()) {
    const n = s.nodes.find((x) => x.name === name);
    const t = s.tally[name] ?? { proved: 0, rejected: 0, failed: 0 };
    lines.push(`  ${name.padEnd(28)} ${n ? `up ${n.connectedSeconds} s from ${n.address}` : "gone"}  proved ${t.proved}  rejected ${t.rejected}  failed ${t.failed}`);
  }
  return `${lines.join("\n")}\n`;
}
