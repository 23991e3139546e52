import { SCHEMA_VERSION } from "./schema.ts";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { JobStore, toProofRecord } from "./index.ts";

const tmpDb = () => path.join(mkdtempSync(path.join(os.tmpdir(), "zkinfer-chains-")), "jobs.sqlite");
const proved = { proof: { pi_a: ["1"] }, publicSignals: ["42", "3", "4"], calldata: [["1"]], provingMs: 12 };
const SAME = "31337/0x5fbdb2315678afecb367f032d93f642f64180aa3/";
const OLD = `${SAME}0x${"a".repeat(64)}`;
const NEW = `${SAME}0x${"b".repeat(64)}`;
const OTHER = `11155111/0x5fbdb2315678afecb367f032d93f642f64180aa3/0x${"c".repeat(64)}`;

/** A job paying with escrow request `escrow`, proved (and settled by `tx` when given). */
function paid(s: JobStore, id: string, escrow: string, tx?: string): void {
  s.insert({ requestId: id, modelId: "m", input: [1], output: [2], inputCommitment: "42", escrowRequestId: escrow });
  s.startProving(id);
  s.markProved(id, proved);
  if (tx) s.markSettled(id, tx);
}

describe("JobStore chain binding", () => {
  it("a restarted chain's request 1 is not 'already being settled': the old row is failed as gone, the new one accepted", () => {
    const file = tmpDb();
    const a = new JobStore(file);
    a.bindChain(OLD, SAME);
    paid(a, "settled", "1", "0xfeed");
    paid(a, "unsettled", "2");
    a.insert({ requestId: "queued", modelId: "m", input: [1], output: [2], inputCommitment: "42", escrowRequestId: "3" });
    expect(a.jobForEscrowRequest("1")!.request_id).toBe("settled");
    a.close();

    const b = new JobStore(file);
    expect(b.bindChain(NEW, SAME)).toEqual({ adopted: 0, gone: 3, elsewhere: 0 });
    for (const n of ["1", "2", "3"]) expect(b.jobForEscrowRequest(n)).toBeUndefined();
    expect(b.unsettled()).toEqual([]);
    // Settled on the gone chain: the hash is kept, the record says where it went.
    expect(toProofRecord(b.get("settled")!).settlement).toEqual({ status: "settled", txHash: "0xfeed", error: null, chainGone: true });
    for (const [id, n] of [["unsettled", "2"], ["queued", "3"]]) {
      expect(toProofRecord(b.get(id)!).settlement).toEqual({
        status: "failed", txHash: null, chainGone: true,
        error: `chain ${OLD} is gone (the chain was restarted: its id and escrow address now answer with another instance); escrow request ${n} cannot be settled there`,
      });
    }
    paid(b, "again", "1");
    expect(b.get("again")!.settlement_chain).toBe(NEW);
    expect(b.jobForEscrowRequest("1")!.request_id).toBe("again");
    expect(b.unsettled().map((r) => r.request_id)).toEqual(["again"]);
    // A second start on the same instance changes nothing.
    expect(b.bindChain(NEW, SAME)).toEqual({ adopted: 0, gone: 0, elsewhere: 0 });
    expect(b.get("unsettled")!.settlement_status).toBe("failed");
    b.close();
  });

  it("a fork (same genesis, plus an instance id) does not make its origin's rows gone, nor the origin the fork's: both are left pending", () => {
    // E.g. an anvil or Hardhat fork of a public chain keeps its chain id, genesis and escrow address.
    const FORK = `${OLD}/0x${"d".repeat(64)}`;
    const s = new JobStore(tmpDb());
    s.bindChain(OLD, SAME);
    paid(s, "origin", "1");
    expect(s.bindChain(FORK, SAME)).toEqual({ adopted: 0, gone: 0, elsewhere: 1 });
    expect(toProofRecord(s.get("origin")!).settlement).toEqual({ status: "pending", txHash: null, error: null, chainGone: false });
    expect(s.unsettled()).toEqual([]);
    expect(s.jobForEscrowRequest("1")).toBeUndefined();
    paid(s, "fork", "1");
    expect(s.bindChain(OLD, SAME)).toEqual({ adopted: 0, gone: 0, elsewhere: 1 });
    expect(s.unsettled().map((r) => r.request_id)).toEqual(["origin"]);
    expect(s.get("fork")!.settlement_status).toBe("pending");
    // Two instances of one genesis (a restarted Hardhat node with a pinned genesis time) are gone as before.
    expect(s.bindChain(`${OLD}/0x${"e".repeat(64)}`, SAME)).toEqual({ adopted: 0, gone: 1, elsewhere: 1 });
    expect(s.get("fork")!.settlement_status).toBe("failed");
    s.close();
  });

  it("rows of another chain id or escrow are left pending, not resumed, and resume on a start with their chain", () => {
    const s = new JobStore(tmpDb());
    s.bindChain(OTHER, OTHER.split("/").slice(0, 2).join("/") + "/");
    paid(s, "x", "1");
    expect(s.bindChain(OLD, SAME)).toEqual({ adopted: 0, gone: 0, elsewhere: 1 });
    expect(s.unsettled()).toEqual([]);
    expect(s.jobForEscrowRequest("1")).toBeUndefined();
    expect(toProofRecord(s.get("x")!).settlement).toMatchObject({ status: "pending", chainGone: false });
    s.bindChain(OTHER, OTHER.split("/").slice(0, 2).join("/") + "/");
    expect(s.unsettled().map((r) => r.request_id)).toEqual(["x"]);
    s.close();
  });

  it("a version-3 file: unsettled rows are adopted by the chain, settled ones keyed by where their transaction is", () => {
    const file = tmpDb();
    const v3 = new JobStore(file);
    paid(v3, "pending", "1");
    paid(v3, "here", "2", "0x01");
    paid(v3, "lost", "3", "0x02");
    v3.db.exec(`UPDATE jobs SET settlement_chain = NULL`);
    v3.close();
    const s = new JobStore(file);
    expect(s.unkeyedSettled().map((r) => r.request_id)).toEqual(["here", "lost"]);
    expect(s.keySettled("here", NEW)).toBe(true);
    expect(s.keySettled("lost", null)).toBe(true);
    expect(s.bindChain(NEW, SAME)).toEqual({ adopted: 1, gone: 0, elsewhere: 0 });
    expect(s.unsettled().map((r) => r.request_id)).toEqual(["pending"]);
    expect(s.jobForEscrowRequest("2")!.request_id).toBe("here");
    expect(toProofRecord(s.get("here")!).settlement!.chainGone).toBe(false);
    expect(toProofRecord(s.get("lost")!).settlement).toMatchObject({ status: "settled", txHash: "0x02", chainGone: true });
    s.close();
  });

  it("migrates a version-3 file to 4 with the chain columns", () => {
    const file = tmpDb();
    const s = new JobStore(file);
    s.db.exec(`ALTER TABLE jobs DROP COLUMN settlement_chain; ALTER TABLE jobs DROP COLUMN settlement_gone_at`);
    s.db.pragma("user_version = 3");
    s.close();
    const t = new JobStore(file);
    expect(t.db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    const cols = (t.db.prepare(`PRAGMA table_info(jobs)`).all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(["settlement_chain", "settlement_gone_at"]));
    t.close();
  });

  it("refuses a key that is not of the chain it names, and changes nothing", () => {
    const file = tmpDb();
    const s = new JobStore(file);
    s.bindChain(OLD, SAME);
    paid(s, "a", "1");
    expect(() => s.bindChain(OTHER, SAME)).toThrow(/bindChain: key 11155111\/.* does not extend 31337\//);
    expect(() => s.bindChain(SAME, SAME)).toThrow(/does not extend/);
    expect(s.boundChain).toBe(OLD);
    expect(s.unsettled().map((r) => r.request_id)).toEqual(["a"]);
    s.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.prepare(`SELECT settlement_status, settlement_gone_at FROM jobs`).get()).toEqual({ settlement_status: "pending", settlement_gone_at: null });
    raw.close();
  });
});
