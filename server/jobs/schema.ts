/**
 * The job table: one row per inference request. The served output and the input are stored
 * with the request, so a restart can prove what was served without the client resending it.
 * Bump SCHEMA_VERSION (PRAGMA user_version) with any change, and migrate in openJobStore.
 */
export const SCHEMA_VERSION = 1;

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
  seq              INTEGER NOT NULL           -- arrival order, for FIFO resume
);
CREATE INDEX IF NOT EXISTS jobs_status ON jobs (status, seq);
`;

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
}
