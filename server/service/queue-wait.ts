/**
 * The expected wait before a new job's proof starts: every job queued or proving ahead of it,
 * each at its own model's expected proving time. One mean over all models would let a client
 * lower it with cheap free calls of a small model, then queue a large model's free calls ahead
 * of a paid request whose deadline clears only the low estimate (admission, paid-request.ts).
 */

/** Proving times per model (seconds), the last `keep` of each, with the models' circuit sizes. */
export class ProvingTimes {
  private readonly byModel = new Map<string, { seconds: number[]; constraints: number }>();

  constructor(private readonly keep = 64) {}

  add(modelId: string, seconds: number, constraints: number): void {
    const s = this.byModel.get(modelId) ?? { seconds: [], constraints };
    s.seconds.push(seconds);
    if (s.seconds.length > this.keep) s.seconds.shift();
    this.byModel.set(modelId, s);
  }

  /**
   * The model's mean; for a model not proved yet in this run, its circuit size at the rate
   * (seconds per constraint) of the models that were, so a large model queued right after a
   * start is not counted at a small model's speed; `fallback` when nothing was proved yet.
   */
  expected(modelId: string, constraints: number, fallback: number): number {
    const mean = (s: number[]) => s.reduce((a, b) => a + b, 0) / s.length;
    const own = this.byModel.get(modelId);
    if (own?.seconds.length) return mean(own.seconds);
    let rate = 0;
    for (const m of this.byModel.values()) if (m.seconds.length && m.constraints > 0) rate = Math.max(rate, mean(m.seconds) / m.constraints);
    return rate > 0 ? Math.max(fallback, rate * constraints) : fallback;
  }
}

/**
 * `active`: jobs queued or proving per model; `reservedAhead`: admitted calls not stored yet
 * (counted at `modelId`'s time); `constraints`: a model's circuit size; `fallback`: the time for
 * a model when nothing was proved yet.
 */
export function queueWait(
  active: Map<string, number>, reservedAhead: number, modelId: string, times: ProvingTimes,
  constraints: (modelId: string) => number, fallback: number, threads: number,
): { ahead: number; waitSeconds: number } {
  const t = (m: string) => times.expected(m, constraints(m), fallback);
  let ahead = Math.max(0, reservedAhead);
  let seconds = ahead * t(modelId);
  for (const [m, n] of active) {
    ahead += n;
    seconds += n * t(m);
  }
  return { ahead, waitSeconds: Math.ceil(seconds / Math.max(1, threads)) };
}
