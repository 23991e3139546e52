/**
 * The expected wait before a new job's proof starts: every job queued or proving ahead of it,
 * each at its own model's mean proving time. One mean over all models would let a client lower
 * it with cheap free calls of a small model, then queue a large model's free calls ahead of a
 * paid request whose deadline clears only the low estimate (admission, paid-request.ts).
 */

/** Proving times per model (seconds), the last `keep` of each. */
export class ProvingTimes {
  private readonly byModel = new Map<string, number[]>();

  constructor(private readonly keep = 64) {}

  add(modelId: string, seconds: number): void {
    const s = this.byModel.get(modelId) ?? [];
    s.push(seconds);
    if (s.length > this.keep) s.shift();
    this.byModel.set(modelId, s);
  }

  /** The model's mean, else `fallback` (a model not proved yet in this run). */
  mean(modelId: string, fallback: number): number {
    const s = this.byModel.get(modelId);
    return s?.length ? s.reduce((a, b) => a + b, 0) / s.length : fallback;
  }
}

/**
 * `active`: jobs queued or proving per model; `reservedAhead`: admitted calls not stored yet
 * (counted at `modelId`'s mean); `fallback`: the mean for a model without samples.
 */
export function queueWait(active: Map<string, number>, reservedAhead: number, modelId: string, times: ProvingTimes, fallback: number, threads: number): { ahead: number; waitSeconds: number } {
  let ahead = Math.max(0, reservedAhead);
  let seconds = ahead * times.mean(modelId, fallback);
  for (const [m, n] of active) {
    ahead += n;
    seconds += n * times.mean(m, fallback);
  }
  return { ahead, waitSeconds: Math.ceil(seconds / Math.max(1, threads)) };
}
