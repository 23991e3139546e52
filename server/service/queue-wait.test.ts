import { describe, expect, it } from "vitest";
import { ProvingTimes, queueWait } from "./queue-wait.ts";

describe("queueWait", () => {
  it("counts each job ahead at its own model's mean, so cheap calls of a small model cannot hide a large model's queue", () => {
    const t = new ProvingTimes();
    for (let i = 0; i < 40; i++) t.add("small", 0.5);
    t.add("large", 20);
    t.add("large", 20);
    const globalMean = (40 * 0.5 + 2 * 20) / 42; // about 1.4 s: what one mean over all models says
    // Ten large proofs ahead of a paid call for the small model, one prover thread.
    const q = queueWait(new Map([["large", 10]]), 0, "small", t, globalMean, 1);
    expect(q).toEqual({ ahead: 10, waitSeconds: 200 });
    expect(Math.ceil(10 * globalMean)).toBe(15);
  });

  it("divides by the prover threads; counts calls admitted but not stored at the caller's model; uses the fallback for a model not proved yet", () => {
    const t = new ProvingTimes();
    t.add("a", 3);
    expect(queueWait(new Map([["a", 2], ["b", 1]]), 1, "a", t, 10, 2)).toEqual({ ahead: 4, waitSeconds: Math.ceil((3 * 3 + 10) / 2) });
    expect(queueWait(new Map(), 0, "a", t, 10, 4)).toEqual({ ahead: 0, waitSeconds: 0 });
  });

  it("keeps the last samples of each model only", () => {
    const t = new ProvingTimes(2);
    for (const s of [100, 1, 3]) t.add("a", s);
    expect(t.mean("a", 0)).toBe(2);
    expect(t.mean("other", 7)).toBe(7);
  });
});
