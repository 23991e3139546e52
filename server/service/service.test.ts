/**
 * The service core with real parts: SQLite files in a temp dir, the Piscina pool, real proofs
 * of models/digits-mlp (1,507 constraints, ~0.3 s a proof). One thread per pool keeps the
 * suite lean on a shared machine.
 */
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance as nodePerformance } from "node:perf_hooks";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodePublicSignals } from "../../prover/prove.ts";
import { inputCommitment } from "../../prover/commitment.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";
import { loadDigits, splitDigits, digitsFloatInput } from "../../models/lib/digits.ts";
import { createService, silentServiceLogger, ServiceError, type Service, type ServiceConfigInput, type ProofRecord } from "./index.ts";

const digits = splitDigits(loadDigits()).test.slice(0, 8);
const tmp = () => mkdtempSync(path.join(os.tmpdir(), "zkinfer-service-"));
const start = (o: ServiceConfigInput) => createService({ models: ["digits-mlp"], poolThreads: 1, ...o }, { logger: silentServiceLogger });
const rows = (dbPath: string) => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM jobs").get() as { n: number }).n;
  } finally {
    db.close();
  }
};
const int8 = (i: number) => ({ kind: "int8" as const, values: digits[i].pixels });

async function refusal(p: Promise<unknown>): Promise<ServiceError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceError);
    return e as ServiceError;
  }
  throw new Error("expected a ServiceError");
}

afterAll(() => terminateSnarkjsCurves());

describe("the service", () => {
  const dbPath = path.join(tmp(), "jobs.sqlite");
  let service: Service;
  beforeAll(async () => {
    service = await start({ dbPath, queueLimit: 4 });
  });
  afterAll(() => service?.close());

  it("lists the model with its setup's verifying-key hash and is ready", () => {
    const [m] = service.listModels();
    expect(m).toMatchObject({ name: "digits-mlp", input: { shape: [1, 64], dtype: "int8", shift: 4 }, proofSystem: "groth16", constraints: 1507 });
    expect(service.getModel(m.id)).toBe(m);
    expect(service.ready()).toEqual({ ready: true, reasons: [], models: [{ name: "digits-mlp", id: m.id, cid: m.cid, state: "ready" }] });
    expect(m.cid).toMatch(/^bafkrei[a-z2-7]{52}$/);
    expect(service.getModel(m.cid)).toBe(m);
    expect(service.health()).toEqual({ ok: true });
  });

  it("serves the output at once, then proves it: the proof verifies and carries the served output", async () => {
    const r = await service.infer("digits-mlp", int8(0));
    expect(r.proof.status).toMatch(/queued|proving/);
    expect(r.inputCommitment).toBe((await inputCommitment(digits[0].pixels)).toString());
    const seen: string[] = [];
    const off = service.watch(r.requestId, (rec) => seen.push(rec.status));
    const done = await service.waitForProof(r.requestId, 60_000);
    off();
    expect(done.status).toBe("proved");
    expect(seen.at(-1)).toBe("proved");
    const pub = decodePublicSignals(done.publicSignals!, service.getModel("digits-mlp").publicSignals);
    expect(pub.output.map(Number)).toEqual(r.output);
    expect(pub.inputCommitment!.toString()).toBe(r.inputCommitment);
    expect(await service.verify("digits-mlp", done.proof, done.publicSignals)).toEqual({ valid: true });
    const tampered = [...done.publicSignals!];
    tampered[1] = (BigInt(tampered[1]) + 1n).toString();
    expect(await service.verify("digits-mlp", done.proof, tampered)).toEqual({ valid: false, reason: "the Groth16 proof does not verify against the model's verifying key" });
    const [pA, , , signals] = done.calldata as [string[], string[][], string[], string[]];
    expect(typeof pA[0]).toBe("string");
    expect(signals).toEqual(done.publicSignals);
    expect(service.stats()).toMatchObject({ proved: 1, queued: 0, proving: 0, poolThreads: 1 });
  });

  it("quantizes float input with the model's input shift (p/16 · 2^4 = p)", async () => {
    const f = await service.infer("digits-mlp", { kind: "float", values: Array.from(digitsFloatInput(digits[1])) });
    const i = await service.infer(service.getModel("digits-mlp").id, { kind: "int8", values: [digits[1].pixels] });
    expect(f.output).toEqual(i.output);
    expect(f.inputCommitment).toBe(i.inputCommitment);
    await service.waitForProof(f.requestId, 60_000);
    await service.waitForProof(i.requestId, 60_000);
  });

  it("refuses bad input with the field at fault, and stores nothing", async () => {
    const before = rows(dbPath);
    const px = digits[0].pixels;
    const cases: [unknown, string][] = [
      [{ kind: "int8", values: px.slice(1) }, "input.values"],
      [{ kind: "int8", values: [px.slice(0, 32), px.slice(32)] }, "input.values"],
      [{ kind: "int8", values: px.map((v, k) => (k === 5 ? 1.5 : v)) }, "input.values[5]"],
      [{ kind: "int8", values: px.map((v, k) => (k === 7 ? 200 : v)) }, "input.values[7]"],
      [{ kind: "float", values: px.map((v, k) => (k === 9 ? NaN : v)) }, "input.values[9]"],
      [{ kind: "bits", values: px }, "input.kind"],
    ];
    for (const [input, field] of cases) {
      const e = await refusal(service.infer("digits-mlp", input as never));
      expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", field]);
      expect(e.message).toContain(field);
    }
    const e = await refusal(service.infer("no-such-model", int8(0)));
    expect([e.code, e.field]).toEqual(["NOT_FOUND", "model"]);
    expect(rows(dbPath)).toBe(before);
    expect((await refusal(Promise.resolve().then(() => service.getProof("nope")))).code).toBe("NOT_FOUND");
  });

  it("refuses malformed proofs for verify with the field at fault", async () => {
    const ok = service.getProof((await service.infer("digits-mlp", int8(2))).requestId);
    const done = await service.waitForProof(ok.requestId, 60_000);
    const p = done.proof as { pi_a: string[]; pi_b: string[][] };
    const cases: [unknown, unknown, string][] = [
      [null, done.publicSignals, "proof"],
      [{ ...p, pi_a: ["1", "2"] }, done.publicSignals, "proof.pi_a"],
      [{ ...p, pi_b: [p.pi_b[0], ["1", "x"], p.pi_b[2]] }, done.publicSignals, "proof.pi_b[1][1]"],
      [p, done.publicSignals!.slice(1), "publicSignals"],
      [p, done.publicSignals!.map((s, k) => (k === 3 ? -1 : s)), "publicSignals[3]"],
    ];
    for (const [proof, signals, field] of cases) {
      const e = await refusal(service.verify("digits-mlp", proof, signals));
      expect([e.code, e.field]).toEqual(["INVALID_ARGUMENT", field]);
    }
  });

  it("answers QUEUE_FULL with a retry delay once queued + proving reaches the limit, storing nothing", async () => {
    const before = rows(dbPath);
    const accepted = await Promise.all([0, 1, 2, 3].map((k) => service.infer("digits-mlp", int8(k))));
    const e = await refusal(service.infer("digits-mlp", int8(4)));
    expect(e.code).toBe("QUEUE_FULL");
    expect(e.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(rows(dbPath)).toBe(before + 4);
    await Promise.all(accepted.map((r) => service.waitForProof(r.requestId, 60_000)));
  });

  it("keeps the event loop responsive while the pool is saturated", async () => {
    // Event-loop utilisation (the share of time the loop runs callbacks) is the assertion:
    // proving on the loop would push it towards 1. Tick lag is logged, not asserted: on a
    // shared 2-core machine under load the OS alone delays ticks by 100 ms+ while the loop
    // is idle (seen: p99 113 ms at utilisation 0.013). The edges' e2e test times /healthz.
    const jobs = await Promise.all([0, 1, 2, 3].map((k) => service.infer("digits-mlp", int8(k))));
    const lags: number[] = [];
    let last = performance.now();
    const tick = setInterval(() => {
      const now = performance.now();
      lags.push(now - last - 5);
      last = now;
    }, 5);
    const elu0 = nodePerformance.eventLoopUtilization();
    const done = await Promise.all(jobs.map((r) => service.waitForProof(r.requestId, 60_000)));
    const elu = nodePerformance.eventLoopUtilization(elu0).utilization;
    clearInterval(tick);
    lags.sort((a, b) => a - b);
    const p99 = lags[Math.floor(lags.length * 0.99)];
    console.info(`while proving ${jobs.length} jobs: ${lags.length} ticks, lag p99 ${p99.toFixed(1)} ms, max ${lags.at(-1)!.toFixed(1)} ms; loop utilisation ${elu.toFixed(3)}`);
    expect(done.every((d) => d.status === "proved")).toBe(true);
    expect(elu).toBeLessThan(0.3);
  });
});

describe("close and reopen", () => {
  it("resumes queued and interrupted jobs, each proved exactly once", async () => {
    const dbPath = path.join(tmp(), "jobs.sqlite");
    const provedSeen = new Map<string, number>();
    const count = (r: ProofRecord) => {
      if (r.status === "proved") provedSeen.set(r.requestId, (provedSeen.get(r.requestId) ?? 0) + 1);
    };
    // shutdownTimeoutMs 0: the proof in flight is abandoned and stays `proving` in the store.
    const first = await start({ dbPath, shutdownTimeoutMs: 0 });
    const ids: string[] = [];
    for (let k = 0; k < 4; k++) {
      const r = await first.infer("digits-mlp", int8(k));
      ids.push(r.requestId);
      first.watch(r.requestId, count);
    }
    const waiting = first.waitForProof(ids[3], 60_000);
    await first.close();
    await expect(waiting).rejects.toMatchObject({ code: "UNAVAILABLE" });
    const db = new Database(dbPath, { readonly: true });
    const left = db.prepare("SELECT status, COUNT(*) AS n FROM jobs GROUP BY status ORDER BY status").all();
    db.close();
    expect(left).toEqual([{ status: "proving", n: 1 }, { status: "queued", n: 3 }]);
    await expect(first.infer("digits-mlp", int8(0))).rejects.toMatchObject({ code: "UNAVAILABLE" });
    const second = await start({ dbPath });
    try {
      for (const id of ids) second.watch(id, count);
      const done = await Promise.all(ids.map((id) => second.waitForProof(id, 60_000)));
      expect(done.map((d) => d.status)).toEqual(["proved", "proved", "proved", "proved"]);
      for (const d of done) expect((await second.verify("digits-mlp", d.proof, d.publicSignals)).valid).toBe(true);
      expect(ids.map((id) => provedSeen.get(id))).toEqual([1, 1, 1, 1]);
      expect(second.stats()).toMatchObject({ queued: 0, proving: 0, proved: 4, failed: 0 });
    } finally {
      await second.close();
    }
  });
});
