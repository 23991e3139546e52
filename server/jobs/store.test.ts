import { SCHEMA_VERSION } from "./schema.ts";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import Database from "better-sqlite3";
import { JobStore, toProofRecord } from "./index.ts";

const tmpDb = () => path.join(mkdtempSync(path.join(os.tmpdir(), "zkinfer-jobs-")), "jobs.sqlite");
const job = (requestId: string) => ({ requestId, modelId: "m", input: [1, -2], output: [3, 4], inputCommitment: "42" });
const proved = { proof: { pi_a: ["1"] }, publicSignals: ["42", "3", "4"], calldata: [["1"]], provingMs: 12 };

describe("JobStore", () => {
  it("opens in WAL mode", () => {
    const s = new JobStore(tmpDb());
    expect(s.db.pragma("journal_mode", { simple: true })).toBe("wal");
    s.close();
  });

  it("moves a job queued → proving → proved, and reaches proved only once", () => {
    const s = new JobStore(tmpDb());
    s.insert(job("a"));
    expect(s.get("a")!.status).toBe("queued");
    expect(s.markProved("a", proved)).toBe(false); // not proving yet
    expect(s.startProving("a")).toBe(true);
    expect(s.startProving("a")).toBe(false);
    expect(s.markProved("a", proved)).toBe(true);
    expect(s.markProved("a", proved)).toBe(false);
    expect(s.markFailed("a", "late")).toBe(false);
    const r = toProofRecord(s.get("a")!);
    expect(r).toMatchObject({ status: "proved", output: [3, 4], inputCommitment: "42", publicSignals: ["42", "3", "4"], provingMs: 12 });
    expect(s.get("a")!.attempts).toBe(1);
    s.close();
  });

  it("re-queues a failed attempt and records a final failure", () => {
    const s = new JobStore(tmpDb());
    s.insert(job("a"));
    s.startProving("a");
    expect(s.requeue("a", "worker died")).toBe(true);
    expect(s.get("a")).toMatchObject({ status: "queued", error: "worker died" });
    s.startProving("a");
    expect(s.markFailed("a", "gave up")).toBe(true);
    expect(s.get("a")).toMatchObject({ status: "failed", error: "gave up", attempts: 2 });
    s.close();
  });

  it("re-queues jobs left proving when reopened, and keeps arrival order", () => {
    const file = tmpDb();
    const s = new JobStore(file);
    for (const id of ["a", "b", "c"]) s.insert(job(id));
    s.startProving("a");
    s.startProving("b");
    s.markProved("b", proved);
    s.close(); // as if the process died with "a" mid-proof
    const t = new JobStore(file);
    expect(t.counts()).toEqual({ queued: 1, proving: 1, proved: 1, failed: 0 });
    expect(t.recover()).toBe(1);
    expect(t.queued().map((r) => r.request_id)).toEqual(["a", "c"]);
    expect(t.get("b")!.status).toBe("proved");
    t.close();
  });

  it("migrates a version-1 file: adds the settlement, input-salt and nonce columns and keeps its rows", () => {
    const file = tmpDb();
    const v1 = new Database(file);
    v1.exec(`CREATE TABLE jobs (request_id TEXT PRIMARY KEY, model_id TEXT NOT NULL, input TEXT NOT NULL, output TEXT NOT NULL,
      input_commitment TEXT, salt TEXT, status TEXT NOT NULL, proof TEXT, public_signals TEXT, calldata TEXT, error TEXT,
      attempts INTEGER NOT NULL DEFAULT 0, proving_ms INTEGER, created_at TEXT NOT NULL, updated_at TEXT NOT NULL, seq INTEGER NOT NULL)`);
    v1.prepare(`INSERT INTO jobs (request_id, model_id, input, output, status, created_at, updated_at, seq) VALUES ('old', 'm', '[1]', '[2]', 'queued', 'x', 'x', 1)`).run();
    v1.pragma("user_version = 1");
    v1.close();
    const s = new JobStore(file);
    expect(s.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    expect(toProofRecord(s.get("old")!)).not.toHaveProperty("settlement");
    expect(toProofRecord(s.get("old")!)).not.toHaveProperty("inputSalt");
    s.insert({ ...job("new"), escrowRequestId: "7", inputSalt: "42" });
    // The salt is stored for the prover, but a proof record (shared, streamed) never carries it.
    expect(s.get("new")!.input_salt).toBe("42");
    expect(toProofRecord(s.get("new")!)).toMatchObject({ escrowRequestId: "7", settlement: { status: "pending", txHash: null, error: null, chainGone: false } });
    expect(toProofRecord(s.get("new")!)).not.toHaveProperty("inputSalt");
    expect(toProofRecord(s.get("old")!)).not.toHaveProperty("nonce");
    // The nonce is public (the proof carries it as a signal): stored and in the record.
    s.insert({ ...job("timed"), nonce: "1767225600" });
    expect(s.get("timed")!.nonce).toBe("1767225600");
    expect(toProofRecord(s.get("timed")!)).toMatchObject({ nonce: "1767225600" });
    s.close();
  });

  it("records a settlement transaction before it is sent, and ends it once", () => {
    const s = new JobStore(tmpDb());
    s.insert({ ...job("a"), escrowRequestId: "3" });
    s.startProving("a");
    s.markProved("a", proved);
    expect(s.unsettled().map((r) => r.request_id)).toEqual(["a"]);
    expect(s.jobForEscrowRequest("3")!.request_id).toBe("a");
    expect(s.recordSettlementTx("a", "0xabc", "0xraw")).toBe(true);
    expect(s.get("a")).toMatchObject({ settlement_status: "submitted", settlement_tx: "0xabc", settlement_raw_tx: "0xraw" });
    expect(s.noteSettlementError("a", "ECONNREFUSED")).toBe(true);
    expect(s.markSettled("a", "0xabc")).toBe(true);
    expect(s.markSettlementFailed("a", "late")).toBe(false);
    expect(toProofRecord(s.get("a")!).settlement).toEqual({ status: "settled", txHash: "0xabc", error: null, chainGone: false });
    expect(s.unsettled()).toEqual([]);
    s.close();
  });
});
