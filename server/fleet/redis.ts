/**
 * One Redis connection for BullMQ, with the fleet's reconnect policy: an unreachable Redis (at
 * start or mid-run) is retried with capped exponential backoff and logged once per outage,
 * never a crash loop. Commands wait for the reconnection (maxRetriesPerRequest null, as BullMQ
 * requires for workers), so no job is dropped while Redis is away.
 */
import { Redis } from "ioredis";
import { redactedUrl } from "./url.ts";

export { redactedUrl };

export interface RedisLog {
  warn(msg: string): void;
  info(msg: string): void;
}

/** Backoff of the reconnection: 100 ms doubling up to this. */
const MAX_RECONNECT_MS = 5_000;

export function connectRedis(url: string, log: RedisLog, role: string): Redis {
  const r = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    retryStrategy: (times) => Math.min(MAX_RECONNECT_MS, 100 * 2 ** Math.min(times, 10)),
    lazyConnect: false,
  });
  let down = false;
  r.on("error", (e: Error) => {
    if (down) return;
    down = true;
    log.warn(`${role}: Redis ${redactedUrl(url)} unreachable (${e.message}); retrying with backoff`);
  });
  r.on("ready", () => {
    if (!down) return;
    down = false;
    log.info(`${role}: Redis ${redactedUrl(url)} reachable again`);
  });
  return r;
}
