/**
 * GET /v1/proofs: the job records newest first, in pages of at most MAX_PAGE, filtered by
 * status, model and escrow request. The cursor is the arrival number (seq) of the last record of
 * the page before, as a decimal string: a page never repeats or skips a job when newer ones
 * arrive meanwhile. Records are those of GET /v1/proofs/{id} (never a salt).
 */
import type { JobRow, JobStore } from "../jobs/index.ts";
import { DEFAULT_PAGE, MAX_PAGE } from "../core/records.ts";
import { ServiceError, type ProofPage, type ProofQuery, type ProofRecord, type ProofStatus } from "../core/types.ts";

const STATUSES: ProofStatus[] = ["queued", "proving", "proved", "failed"];

const bad = (field: string, message: string) => new ServiceError("INVALID_ARGUMENT", `${field}: ${message}`, field);

export function listProofs(store: JobStore, q: ProofQuery, modelIdOf: (model: string) => string, recordOf: (row: JobRow) => ProofRecord): ProofPage {
  const limit = q.limit ?? DEFAULT_PAGE;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE) throw bad("limit", `expected an integer 1..${MAX_PAGE}, got ${JSON.stringify(limit)}`);
  let before: number | undefined;
  if (q.cursor !== undefined) {
    if (typeof q.cursor !== "string" || !/^[1-9][0-9]{0,14}$/.test(q.cursor)) throw bad("cursor", `expected the nextCursor of a previous page (a positive decimal integer), got ${JSON.stringify(q.cursor)?.slice(0, 40)}`);
    before = Number(q.cursor);
  }
  if (q.status !== undefined && !STATUSES.includes(q.status)) throw bad("status", `expected one of ${STATUSES.join(", ")}, got ${JSON.stringify(q.status)?.slice(0, 40)}`);
  if (q.escrowRequestId !== undefined && (typeof q.escrowRequestId !== "string" || !/^[0-9]{1,78}$/.test(q.escrowRequestId))) {
    throw bad("escrowRequestId", `expected a decimal escrow request id, got ${JSON.stringify(q.escrowRequestId)?.slice(0, 40)}`);
  }
  // Stored ids are canonical decimals (no leading zeros).
  const escrowRequestId = q.escrowRequestId === undefined ? undefined : BigInt(q.escrowRequestId).toString();
  const modelId = q.model === undefined ? undefined : modelIdOf(q.model);
  const rows = store.page({ limit, before, status: q.status, modelId, escrowRequestId });
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { proofs: page.map(recordOf), nextCursor: more ? String(page[page.length - 1].seq) : null };
}
