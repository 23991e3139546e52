/**
 * The durable job store (better-sqlite3, WAL). Every status change is one guarded UPDATE
 * (WHERE status = the expected previous status) inside a transaction, so a job reaches
 * `proved` exactly once even if two dispatches race, and a crash at any point leaves a row
 * that the next start can resume: `proving` rows are re-queued by recover(). Escrow rows carry
 * the chain instance they live on (bindChain), so a restarted development chain's request ids
 * never collide with an earlier instance's (docs/chain-restarts.md).
 */
import Database from "better-sqlite3";
import { mkdirSync } from "node:fs";
import path from "node:path";
import type { ProofRecord, ProofStatus } from "../core/types.ts";
import { ADDED_COLUMNS, SCHEMA, SCHEMA_VERSION, type JobRow } from "./schema.ts";

export interface NewJob {
  requestId: string;
  modelId: string;
  input: number[];
  output: number[];
  inputCommitment?: string;
  salt?: string;
  /** Decimal; when the input commitment is salted. */
  inputSalt?: string;
  /** Decimal; for a model whose circuit has a nonce input. */
  nonce?: string;
  /** Decimal id of the escrow request this job settles (its settlement starts `pending`). */
  escrowRequestId?: string;
}

export interface ProvedResult {
  proof: unknown;
  publicSignals: string[];
  calldata: unknown;
  provingMs: number;
  /** The setup whose proving key made the proof. */
  setup?: { vkeyHash: string; trusted: boolean };
}

/** What bindChain found among the rows of earlier runs. */
export interface ChainBinding {
  /** Unsettled rows from before schema version 4 (no chain recorded), now taken to be on this chain. */
  adopted: number;
  /** Rows whose chain was replaced (same id and escrow, another instance): unsettled ones now failed. */
  gone: number;
  /** Unsettled rows of another chain id or escrow, or of a fork of this chain (or the chain a fork came from): left as they are for a start on that chain. */
  elsewhere: number;
}

export class JobStore {
  readonly db: Database.Database;
  /** The chain the server settles on (bindChain); escrow rows are written and looked up on it. */
  private chain: string | null = null;

  constructor(file: string) {
    if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    this.db = new Database(file);
    // WAL: readers (GET /proofs) never block the writer; NORMAL sync is durable across
    // process crashes (only an OS crash can lose the last commits).
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("busy_timeout = 5000");
    const version = this.db.pragma("user_version", { simple: true }) as number;
    if (version > SCHEMA_VERSION) throw new Error(`job store ${file}: schema version ${version} is newer than this server's ${SCHEMA_VERSION}`);
    this.db.transaction(() => {
      this.db.exec(SCHEMA);
      // Migration: a file from an older server lacks the later columns (CREATE TABLE IF NOT
      // EXISTS left its table as it was). Added by name, so a half-migrated file is fine too.
      const have = new Set((this.db.prepare(`PRAGMA table_info(jobs)`).all() as { name: string }[]).map((c) => c.name));
      for (const [name, decl] of ADDED_COLUMNS) if (!have.has(name)) this.db.exec(`ALTER TABLE jobs ADD COLUMN ${name} ${decl}`);
      this.db.pragma(`user_version = ${SCHEMA_VERSION}`);
    })();
  }

  insert(j: NewJob): void {
    const now = new Date().toISOString();
    this.db
      .prepare(
        `INSERT INTO jobs (request_id, model_id, input, output, input_commitment, salt, status, created_at, updated_at, seq, escrow_request_id, settlement_status, input_salt, settlement_chain, nonce)
         VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM jobs), ?, ?, ?, ?, ?)`,
      )
      .run(j.requestId, j.modelId, JSON.stringify(j.input), JSON.stringify(j.output), j.inputCommitment ?? null, j.salt ?? null, now, now,
        j.escrowRequestId ?? null, j.escrowRequestId === undefined ? null : "pending", j.inputSalt ?? null, j.escrowRequestId === undefined ? null : this.chain, j.nonce ?? null);
  }

  get(requestId: string): JobRow | undefined {
    return this.db.prepare(`SELECT * FROM jobs WHERE request_id = ?`).get(requestId) as JobRow | undefined;
  }

  /** One guarded transition; false when the row was not in `from` (someone else moved it). */
  private transition(requestId: string, from: ProofStatus, set: string, params: unknown[]): boolean {
    const r = this.db.transaction(() =>
      this.db.prepare(`UPDATE jobs SET ${set}, updated_at = ? WHERE request_id = ? AND status = ?`).run(...params, new Date().toISOString(), requestId, from),
    )();
    return r.changes === 1;
  }

  /** queued → proving; counts the attempt. */
  startProving(requestId: string): boolean {
    return this.transition(requestId, "queued", `status = 'proving', attempts = attempts + 1, error = NULL`, []);
  }

  /** proving → proved, at most once per job. */
  markProved(requestId: string, r: ProvedResult): boolean {
    return this.transition(requestId, "proving", `status = 'proved', proof = ?, public_signals = ?, calldata = ?, proving_ms = ?, error = NULL, setup_vkey_hash = ?, setup_trusted = ?`, [
      JSON.stringify(r.proof),
      JSON.stringify(r.publicSignals),
      JSON.stringify(r.calldata),
      r.provingMs,
      r.setup?.vkeyHash ?? null,
      r.setup === undefined ? null : Number(r.setup.trusted),
    ]);
  }

  /** proving → failed. */
  markFailed(requestId: string, error: string): boolean {
    return this.transition(requestId, "proving", `status = 'failed', error = ?`, [error]);
  }

  /** proving → queued (a retryable worker error); the error is kept for the record. */
  requeue(requestId: string, error?: string): boolean {
    return this.transition(requestId, "proving", `status = 'queued', error = ?`, [error ?? null]);
  }

  /** On start: every `proving` row was interrupted (crash, or close() past its timeout). */
  recover(): number {
    return this.db.prepare(`UPDATE jobs SET status = 'queued', updated_at = ? WHERE status = 'proving'`).run(new Date().toISOString()).changes;
  }

  /** Queued jobs in arrival order. */
  queued(): JobRow[] {
    return this.db.prepare(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY seq`).all() as JobRow[];
  }

  // Settlement (server/settlement). Each write is one statement, durable before the caller acts
  // on it: above all the transaction hash, stored before the transaction is sent.

  /** The chain key given to bindChain; null before (or without settlement). */
  get boundChain(): string | null {
    return this.chain;
  }

  /**
   * Binds the store to the chain the server settles on (key "<chainId>/<escrow>/<instance...>",
   * `sameChain` its "<chainId>/<escrow>/" prefix), in one transaction: unsettled rows without a
   * chain (written before version 4) are adopted; rows of a replaced instance of this chain are
   * marked gone, and their unsettled ones failed for good, naming the chain and the request.
   */
  bindChain(key: string, sameChain: string): ChainBinding {
    if (!key.startsWith(sameChain) || key === sameChain) throw new Error(`bindChain: key ${key} does not extend ${sameChain}`);
    const now = new Date().toISOString();
    return this.db.transaction((): ChainBinding => {
      this.chain = key;
      const adopted = this.db
        .prepare(`UPDATE jobs SET settlement_chain = ? WHERE settlement_chain IS NULL AND escrow_request_id IS NOT NULL AND settlement_status IN ('pending', 'submitted')`)
        .run(key).changes;
      // Replaced: same chain id and escrow, another instance. Not a key that only adds or drops
      // an instance id to the same genesis: that is a fork of the chain (anvil or Hardhat forking
      // it keeps id, genesis and escrow address) or the chain seen from one, so neither is gone.
      const replaced = `settlement_chain IS NOT @key AND substr(settlement_chain, 1, @len) = @same AND settlement_gone_at IS NULL
        AND substr(@key, 1, length(settlement_chain) + 1) IS NOT settlement_chain || '/' AND substr(settlement_chain, 1, length(@key) + 1) IS NOT @key || '/'`;
      const params = { key, len: sameChain.length, same: sameChain, now };
      const failed = this.db
        .prepare(`UPDATE jobs SET settlement_status = 'failed', settlement_raw_tx = NULL, settlement_gone_at = @now, updated_at = @now,
            settlement_error = 'chain ' || settlement_chain || ' is gone (the chain was restarted: its id and escrow address now answer with another instance); escrow request ' || escrow_request_id || ' cannot be settled there'
          WHERE ${replaced} AND settlement_status IN ('pending', 'submitted')`)
        .run(params).changes;
      const closed = this.db.prepare(`UPDATE jobs SET settlement_gone_at = @now, updated_at = @now WHERE ${replaced}`).run(params).changes;
      const { n } = this.db
        .prepare(`SELECT COUNT(*) AS n FROM jobs WHERE settlement_chain IS NOT NULL AND settlement_chain != ? AND settlement_status IN ('pending', 'submitted')`)
        .get(key) as { n: number };
      return { adopted, gone: failed + closed, elsewhere: n };
    })();
  }

  /** Settled rows from before version 4 (no chain recorded): bindChain cannot tell where they were settled. */
  unkeyedSettled(): JobRow[] {
    return this.db.prepare(`SELECT * FROM jobs WHERE settlement_chain IS NULL AND settlement_status = 'settled' ORDER BY seq`).all() as JobRow[];
  }
  /** Records where an unkeyed settled row was settled: on `key`, or (null) on a chain that is gone. */
  keySettled(requestId: string, key: string | null): boolean {
    const now = new Date().toISOString();
    return this.db
      .prepare(`UPDATE jobs SET settlement_chain = ?, settlement_gone_at = ?, updated_at = ? WHERE request_id = ? AND settlement_chain IS NULL AND settlement_status = 'settled'`)
      .run(key, key === null ? now : null, now, requestId).changes === 1;
  }

  /** Proved jobs on the bound chain whose settlement is not final (pending, or submitted and awaiting its receipt), oldest first. */
  unsettled(): JobRow[] {
    return this.db
      .prepare(`SELECT * FROM jobs WHERE status = 'proved' AND settlement_status IN ('pending', 'submitted') AND settlement_chain IS ? ORDER BY seq`)
      .all(this.chain) as JobRow[];
  }
  /** A job (other than a failed settlement) already holding this escrow request on the bound chain. */
  jobForEscrowRequest(escrowRequestId: string): JobRow | undefined {
    return this.db
      .prepare(`SELECT * FROM jobs WHERE escrow_request_id = ? AND settlement_chain IS ? AND settlement_status IS NOT 'failed' AND status IS NOT 'failed' ORDER BY seq LIMIT 1`)
      .get(escrowRequestId, this.chain) as JobRow | undefined;
  }
  private settlement(requestId: string, set: string, params: unknown[]): boolean {
    const r = this.db
      .prepare(`UPDATE jobs SET ${set}, updated_at = ? WHERE request_id = ? AND settlement_status IN ('pending', 'submitted')`)
      .run(...params, new Date().toISOString(), requestId);
    return r.changes === 1;
  }
  /** Records a signed settle() transaction before it is broadcast. */
  recordSettlementTx(requestId: string, txHash: string, rawTx: string): boolean {
    return this.settlement(requestId, `settlement_status = 'submitted', settlement_tx = ?, settlement_raw_tx = ?`, [txHash, rawTx]);
  }
  /** Forgets a recorded transaction that can never be mined (its nonce went to another one). */
  clearSettlementTx(requestId: string): boolean {
    return this.settlement(requestId, `settlement_status = 'pending', settlement_tx = NULL, settlement_raw_tx = NULL`, []);
  }
  /** Final: the escrow request is settled by `txHash`, paying `paid` (read from its RequestSettled event). */
  markSettled(requestId: string, txHash: string, paid?: { token: string; amount: bigint; gasUsed?: bigint }): boolean {
    return this.settlement(
      requestId,
      `settlement_status = 'settled', settlement_tx = ?, settlement_raw_tx = NULL, settlement_error = NULL, settlement_token = ?, settlement_amount = ?, settlement_gas_used = ?`,
      [txHash, paid?.token ?? null, paid?.amount.toString() ?? null, paid?.gasUsed?.toString() ?? null],
    );
  }
  /** Final: never to be retried (a named revert, a request that does not match the job). */
  markSettlementFailed(requestId: string, error: string): boolean {
    return this.settlement(requestId, `settlement_status = 'failed', settlement_raw_tx = NULL, settlement_error = ?`, [error]);
  }
  /** A transient failure: counted and kept for the record; the status stays as it is. */
  noteSettlementError(requestId: string, error: string): boolean {
    return this.settlement(requestId, `settlement_error = ?, settlement_attempts = settlement_attempts + 1`, [error]);
  }
  /** Jobs queued or proving, per model id. */
  activeByModel(): Map<string, number> {
    const rows = this.db.prepare(`SELECT model_id, COUNT(*) AS n FROM jobs WHERE status IN ('queued', 'proving') GROUP BY model_id`).all() as { model_id: string; n: number }[];
    return new Map(rows.map((r) => [r.model_id, r.n]));
  }
  /** Jobs newest first (by arrival), before the `before` seq, filtered; one more than `limit` tells the caller another page exists. */
  page(q: { limit: number; before?: number; status?: ProofStatus; modelId?: string; escrowRequestId?: string }): JobRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.before !== undefined) (where.push("seq < ?"), params.push(q.before));
    if (q.status !== undefined) (where.push("status = ?"), params.push(q.status));
    if (q.modelId !== undefined) (where.push("model_id = ?"), params.push(q.modelId));
    if (q.escrowRequestId !== undefined) (where.push("escrow_request_id = ?"), params.push(q.escrowRequestId));
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY seq DESC LIMIT ?`;
    return this.db.prepare(sql).all(...params, q.limit + 1) as JobRow[];
  }
  counts(): Record<ProofStatus, number> {
    const c: Record<ProofStatus, number> = { queued: 0, proving: 0, proved: 0, failed: 0 };
    for (const r of this.db.prepare(`SELECT status, COUNT(*) AS n FROM jobs GROUP BY status`).all() as { status: ProofStatus; n: number }[]) c[r.status] = r.n;
    return c;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

/** The row as the edges see it. */
export function toProofRecord(r: JobRow): ProofRecord {
  const rec: ProofRecord = {
    requestId: r.request_id,
    modelId: r.model_id,
    status: r.status,
    // A hashed output (its jobs have an output salt) is the client's, like the salt: the record
    // carries only what the proof does, its commitment (in publicSignals).
    output: r.salt !== null ? [] : (JSON.parse(r.output) as number[]),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
  if (r.input_commitment !== null) rec.inputCommitment = r.input_commitment;
  if (r.nonce !== null) rec.nonce = r.nonce; // public: the proof carries it as a signal
  if (r.proof !== null) rec.proof = JSON.parse(r.proof);
  if (r.public_signals !== null) rec.publicSignals = JSON.parse(r.public_signals) as string[];
  if (r.calldata !== null) rec.calldata = JSON.parse(r.calldata);
  if (r.error !== null) rec.error = r.error;
  if (r.proving_ms !== null) rec.provingMs = r.proving_ms;
  if (r.setup_vkey_hash !== null && r.setup_trusted !== null) rec.setup = { trusted: r.setup_trusted === 1, vkeyHash: r.setup_vkey_hash };
  if (r.escrow_request_id !== null) {
    rec.escrowRequestId = r.escrow_request_id;
    rec.settlement = { status: r.settlement_status ?? "pending", txHash: r.settlement_tx, error: r.settlement_error, chainGone: r.settlement_gone_at !== null };
    if (r.settlement_amount !== null) Object.assign(rec.settlement, { token: r.settlement_token, amount: r.settlement_amount });
    if (r.settlement_gas_used !== null) rec.settlement.gasUsed = r.settlement_gas_used;
  }
  return rec;
}
