/**
 * Access control shared by both edges: API keys (off when none are configured) and a
 * per-key token-bucket rate limit. With keys off, the bucket is per client address.
 *
 * @example
 *   const access = createAccess({ apiKeys: ["k1"], rateLimit: { perMinute: 600 } });
 *   const key = access.check({ authorization: "Bearer k1" }, "127.0.0.1"); // throws 401 / 429
 */
import { timingSafeEqual } from "node:crypto";
import { ServiceError } from "../core/types.ts";

/** n requests per minute: a bucket of n tokens, refilled continuously at n/60 per second. */
export interface RateLimitOptions {
  perMinute: number;
}

export interface AccessOptions {
  /** Accepted API keys; empty or absent: no key is needed. */
  apiKeys?: string[];
  /** Absent: no rate limit. */
  rateLimit?: RateLimitOptions;
}

export interface Access {
  readonly keysRequired: boolean;
  /** Returns the caller's identity (key label or client address); throws UNAUTHENTICATED / RATE_LIMITED. */
  check(headers: { authorization?: string | null; apiKey?: string | null }, clientAddress: string): string;
}

/** Buckets idle this long are full again and can be forgotten. */
const SWEEP_EVERY = 1000;

export function createAccess(options: AccessOptions = {}, now: () => number = () => performance.now()): Access {
  const keys = (options.apiKeys ?? []).filter((k) => k.length > 0).map((k) => Buffer.from(k));
  const perMinute = options.rateLimit?.perMinute ?? 0;
  if (!(perMinute >= 0)) throw new ServiceError("INVALID_ARGUMENT", "rateLimitPerMinute must be >= 0", "rateLimitPerMinute");
  const rl = perMinute > 0 ? { perSecond: perMinute / 60, burst: perMinute } : undefined;
  const buckets = new Map<string, { tokens: number; at: number }>();
  let calls = 0;

  const keyMatches = (given: string) => {
    const g = Buffer.from(given);
    return keys.findIndex((k) => k.length === g.length && timingSafeEqual(k, g));
  };

  const take = (id: string) => {
    if (!rl) return;
    const t = now();
    if (++calls % SWEEP_EVERY === 0) {
      for (const [k, b] of buckets) if ((t - b.at) / 1000 * rl.perSecond >= rl.burst) buckets.delete(k);
    }
    const b = buckets.get(id) ?? { tokens: rl.burst, at: t };
    b.tokens = Math.min(rl.burst, b.tokens + ((t - b.at) / 1000) * rl.perSecond);
    b.at = t;
    buckets.set(id, b);
    if (b.tokens < 1) {
      const wait = (1 - b.tokens) / rl.perSecond;
      const id_ = id.startsWith("key:") ? "this API key" : "this client";
      throw new ServiceError("RATE_LIMITED", `rate limit of ${perMinute} requests per minute exceeded for ${id_}; retry after ${Math.ceil(wait)} s`, undefined, Math.ceil(wait));
    }
    b.tokens -= 1;
  };

  return {
    keysRequired: keys.length > 0,
    check(headers, clientAddress) {
      let id = `addr:${clientAddress}`;
      if (keys.length > 0) {
        const bearer = headers.authorization?.match(/^Bearer\s+(\S+)\s*$/i)?.[1];
        const given = bearer ?? headers.apiKey ?? undefined;
        if (!given) throw new ServiceError("UNAUTHENTICATED", "an API key is required: send `authorization: Bearer <key>` or `x-api-key: <key>`", "authorization");
        const i = keyMatches(given);
        if (i < 0) throw new ServiceError("UNAUTHENTICATED", "authorization: the API key (sent as `authorization: Bearer <key>` or `x-api-key`) is not valid", "authorization");
        id = `key:${i}`;
      }
      take(id);
      return id;
    },
  };
}
