import { describe, expect, it } from "vitest";
import { ProvingTimes, queueWait } from "./queue-wait.ts";

const SIZE: Record<string, number> = { small: 1_500, large: 120_000 };
const size = (m: string) => SIZE[m] ?? 0;

describe("queueWait", () => {
  it("counts each job ahead at its own model's mean, so cheap calls of a small model cannot hide a large model's queue", () => {
    const t = new ProvingTimes();
    for (let i = 0; i < 40; i++) t.add("small", 0.5, SIZE.small!);
    t.add("large", 20, SIZE.large!);
    t.add("large", 20, SIZE.large!);
    const globalMean = (40 * 0.5 + 2 * 20) / 42; // about 1.4 s: what one mean over all models says
    // Ten large proofs ahead of a paid call for the small model, one prover thread.
    expect(queueWait(new Map([["large", 10]]), 0, "small", t, size, 1, 1)).toEqual({ ahead: 10, waitSeconds: 200 });
    expect(Math.ceil(10 * globalMean)).toBe(15);
  });

  it("a model not proved yet in this run is counted by its circuit size at the measured rate, not at the small model's time", () => {
    const t = new ProvingTimes();
    t.add("small", 0.5, SIZE.small!);
    // 120k constraints at 0.5 s per 1.5k: 40 s each.
    expect(queueWait(new Map([["large", 3]]), 0, "small", t, size, 1, 1)).toEqual({ ahead: 3, waitSeconds: 120 });
    // Nothing proved at all: the fallback.
    expect(queueWait(new Map([["large", 3]]), 0, "small", new ProvingTimes(), size, 1, 1)).toEqual({ ahead: 3, waitSeconds: 3 });
  });

  it("divides by the prover threads and counts calls admitted but not stored at the caller's model", () => {
    const t = new ProvingTimes();
    t.add("small", 3, SIZE.small!);
    t.add("large", 10, SIZE.large!);
    expect(queueWait(new Map([["small", 2], ["large", 1]]), 1, "small", t, size, 1, 2)).toEqual({ ahead: 4, waitSeconds: Math.ceil((3 * 3 + 10) / 2) });
    expect(queueWait(new Map(), 0, "small", t, size, 1, 4)).toEqual({ ahead: 0, waitSeconds: 0 });
  });

  it("keeps the last samples of each model only", () => {
    const t = new ProvingTimes(2);
    for (const s of [100, 1, 3]) t.add("small", s, SIZE.small!);
    expect(t.expected("small", SIZE.small!, 0)).toBe(2);
  });
});
