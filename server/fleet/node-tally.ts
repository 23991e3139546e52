/**
 * Per-node counts the gateway keeps of what it checked: proofs accepted, proofs rejected, jobs
 * failed. In memory for /metrics, and added to a Redis hash so `zkinfer fleet status` (another
 * process) sees them. A node's name is its own claim: it is cleaned to a short label, so a
 * hostile node cannot blow up the metrics with long or countless label values beyond a cap.
 */
import type { Redis } from "ioredis";

export type Outcome = "proved" | "rejected" | "failed";

/** At most this many distinct node labels are kept; the rest count as "other". */
const MAX_NODES = 256;

export const nodesKey = (queueName: string) => `zkinfer:fleet:${queueName}:nodes`;

/** A node's self-declared name as a safe label ("unknown" when absent or malformed). */
export function nodeLabel(name: unknown): string {
  return typeof name === "string" && /^[A-Za-z0-9._:@-]{1,64}$/.test(name) ? name : "unknown";
}

export class NodeTally {
  private readonly counts = new Map<string, Record<Outcome, number>>();

  constructor(private readonly redis: Redis, private readonly queueName: string) {}

  add(node: string, outcome: Outcome): void {
    const label = this.counts.has(node) || this.counts.size < MAX_NODES ? node : "other";
    const c = this.counts.get(label) ?? { proved: 0, rejected: 0, failed: 0 };
    c[outcome]++;
    this.counts.set(label, c);
    this.redis.hincrby(nodesKey(this.queueName), `${label}|${outcome}`, 1).catch(() => {});
  }

  snapshot(): Record<string, Record<Outcome, number>> {
    return Object.fromEntries([...this.counts].map(([k, v]) => [k, { ...v }]));
  }
}

/** The counts of all gateways, from Redis (for fleet status). */
export async function readTally(redis: Redis, queueName: string): Promise<Record<string, Record<Outcome, number>>> {
  const h = await redis.hgetall(nodesKey(queueName));
  const out: Record<string, Record<Outcome, number>> = {};
  for (const [k, v] of Object.entries(h)) {
    const i = k.lastIndexOf("|");
    const node = k.slice(0, i), outcome = k.slice(i + 1) as Outcome;
    (out[node] ??= { proved: 0, rejected: 0, failed: 0 })[outcome] = Number(v);
  }
  return out;
}
