/** Facts about job records that the service and both edges share. */
import type { ProofRecord } from "./types.ts";

/** GET /v1/proofs and ListProofs: records per page when not given, and at most. */
export const DEFAULT_PAGE = 20;
export const MAX_PAGE = 100;

/** Nothing more will change: failed, or proved with no settlement or a final one. */
export const isFinal = (r: ProofRecord): boolean =>
  r.status === "failed" || (r.status === "proved" && (r.settlement === undefined || r.settlement.status === "settled" || r.settlement.status === "failed"));
