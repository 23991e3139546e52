/**
 * The job table: one row per inference request. The served output and the input are stored
 * with the request, so a restart can prove what was served without the client resending it.
 * Bump SCHEMA_VERSION (PRAGMA user_version) with any change, and migrate in openJobStore.
 */
export const SCHEMA_VERSION = 7;

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS jobs (
  request_id       TEXT PRIMARY KEY,
  model_id         TEXT NOT NULL,
  input            TEXT NOT NULL,             -- int8 values, JSON array
  output           TEXT NOT NULL,             -- served output, JSON array
  input_commitment TEXT,                      -- decimal, when the input is hashed
  salt             TEXT,                      -- decimal, when the output is hashed
  status           TEXT NOT NULL CHECK (status IN ('queued', 'proving', 'proved', 'failed')),
  proof            TEXT,                      -- snarkjs proof, JSON
  public_signals   TEXT,                      -- JSON array of decimal strings
  calldata         TEXT,                      -- Solidity verifyProof arguments, JSON
  error            TEXT,
  attempts         INTEGER NOT NULL DEFAULT 0,
  proving_ms       INTEGER,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL,
  seq              INTEGER NOT NULL,          -- arrival order, for FIFO resume
  -- version 2 (issue #5): settlement of an escrow request, see server/settlement
  escrow_request_id   TEXT,                   -- decimal uint256, when the client paid into the escrow
  settlement_status   TEXT CHECK (settlement_status IN ('pending', 'submitted', 'settled', 'failed')),
  settlement_tx       TEXT,                   -- hash of the settle() transaction, recorded before it is sent
  settlement_raw_tx   TEXT,                   -- that transaction signed, to re-broadcast the very same one
  settlement_error    TEXT,
  settlement_attempts INTEGER NOT NULL DEFAULT 0,
  -- version 3: the salt of a hashed-salted input commitment (decimal), needed to prove it
  input_salt          TEXT,
  -- version 4: which chain instance the escrow request lives on (see server/settlement/chain-key.ts):
  -- "<chainId>/<escrow>/<genesis hash>[/<node instance id>]", so a restarted dev chain's ids never collide
  settlement_chain    TEXT,
  settlement_gone_at  TEXT,                   -- when a start found that chain replaced (same id and escrow, new genesis)
  -- version 5: the nonce the proof binds (decimal, < 2^64), for models compiled with one
  nonce               TEXT,
  -- version 6: the setup whose key proved the job, recorded with the proof
  setup_vkey_hash     TEXT,
  setup_trusted       INTEGER,                -- 1 trusted, 0 not
  -- version 7: what the settlement paid (from the escrow's RequestSettled event) and its gas
  settlement_token    TEXT,                   -- the token paid (0x0...0: ETH)
  settlement_amount   TEXT,                   -- the amount paid to the operator (decimal, the token's units)
  settlement_gas_used TEXT                    -- gas used by our settle() transaction (null when another sender settled)
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, seq);
CREATE INDEX IF NOT EXISTS jobs_seq ON jobs (seq);
`;

/** Columns added after version 1, as ALTER TABLE adds them to an older file (SQLite cannot add a CHECK later). */
export const ADDED_COLUMNS: ReadonlyArray<[name: string, decl: string]> = [
  ["escrow_request_id", "TEXT"],
  ["settlement_status", "TEXT"],
  ["settlement_tx", "TEXT"],
  ["settlement_raw_tx", "TEXT"],
  ["settlement_error", "TEXT"],
  ["settlement_attempts", "INTEGER NOT NULL DEFAULT 0"],
  ["input_salt", "TEXT"],
  ["settlement_chain", "TEXT"],
  ["settlement_gone_at", "TEXT"],
  ["nonce", "TEXT"],
  ["setup_vkey_hash", "TEXT"],
  ["setup_trusted", "INTEGER"],
  ["settlement_token", "TEXT"],
  ["settlement_amount", "TEXT"],
  ["settlement_gas_used", "TEXT"],
];

/** Where a job's settlement stands; null when the job references no escrow request. */
export type SettlementStatus = "pending" | "submitted" | "settled" | "failed";

export interface JobRow {
  request_id: string;
  model_id: string;
  input: string;
  output: string;
  input_commitment: string | null;
  salt: string | null;
  status: "queued" | "proving" | "proved" | "failed";
  proof: string | null;
  public_signals: string | null;
  calldata: string | null;
  error: string | null;
  attempts: number;
  proving_ms: number | null;
  created_at: string;
  updated_at: string;
  seq: number;
  escrow_request_id: string | null;
  settlement_status: SettlementStatus | null;
  settlement_tx: string | null;
  settlement_raw_tx: string | null;
  settlement_error: string | null;
  settlement_attempts: number;
  input_salt: string | null;
  settlement_chain: string | null;
  settlement_gone_at: string | null;
  nonce: string | null;
  setup_vkey_hash: string | null;
  setup_trusted: number | null;
  settlement_token: string | null;
  settlement_amount: string | null;
  settlement_gas_used: string | null;
}
