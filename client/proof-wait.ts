/**
 * Waiting for a job: the gateway's server-sent events (GET /v1/proofs/{id}/events, read with
 * fetch streaming, which browsers and Node both have) until proved or failed, falling back to
 * polling GET /v1/proofs/{id} when the stream is not available (a proxy that buffers or drops
 * it, a fetch without streaming) or breaks off. For a paid request the stream goes on after the
 * proof, one event per settlement status, until the settlement is final: waiting for the
 * settlement reads the same stream.
 */
import { ZkinferClientError } from "./errors.ts";
import type { Http } from "./http.ts";
import type { ProofRecord, WaitOptions } from "./types.ts";

export const DEFAULT_WAIT_MS = 120_000;
export const DEFAULT_POLL_MS = 500;

const proofDone = (r: ProofRecord) => r.status === "proved" || r.status === "failed";
export const settlementDone = (r: ProofRecord) => r.settlement?.status === "settled" || r.settlement?.status === "failed";

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => { clearTimeout(t); resolve(); }, { once: true });
  });

const path = (requestId: string) => `/v1/proofs/${encodeURIComponent(requestId)}`;

/** The record once `done` holds; undefined when the stream is unavailable or ended early. */
async function viaEvents(http: Http, requestId: string, signal: AbortSignal, done: (r: ProofRecord) => boolean, onRecord?: (r: ProofRecord) => void): Promise<ProofRecord | undefined> {
  let res: Response;
  try {
    res = await http.raw(`${path(requestId)}/events`, { headers: { accept: "text/event-stream" }, signal });
  } catch {
    return undefined;
  }
  if (res.status === 404) {
    // A 404 with the gateway's JSON error is an unknown request id, not a missing stream: let polling report it.
    return undefined;
  }
  if (!res.ok || !res.body || !(res.headers.get("content-type") ?? "").includes("text/event-stream")) {
    await res.body?.cancel().catch(() => {});
    return undefined;
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) return undefined;
      buffer += value.replace(/\r\n/g, "\n");
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
        if (!data) continue;
        const record = JSON.parse(data) as ProofRecord;
        onRecord?.(record);
        if (done(record)) return record;
      }
    }
  } catch {
    return undefined;
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Polls GET /v1/proofs/{id} until `done` holds; throws TIMEOUT with the last status. */
export async function pollRecord(http: Http, requestId: string, done: (r: ProofRecord) => boolean, o: WaitOptions, what: string, deadline: number): Promise<ProofRecord> {
  let last: string | undefined;
  for (;;) {
    const r = await http.get<ProofRecord>(path(requestId));
    if (r.status !== last) o.onRecord?.(r);
    last = r.status;
    if (done(r)) return r;
    if (Date.now() >= deadline || o.signal?.aborted) {
      const s = r.settlement ? `, settlement ${r.settlement.status}${r.settlement.error ? ` (${r.settlement.error})` : ""}` : "";
      throw new ZkinferClientError("TIMEOUT", `request ${requestId}: no ${what} within ${o.timeoutMs ?? DEFAULT_WAIT_MS} ms (proof ${r.status}${s})`, "timeoutMs");
    }
    await sleep(Math.min(o.pollMs ?? DEFAULT_POLL_MS, Math.max(0, deadline - Date.now())), o.signal);
  }
}

/** Resolves with the record once proved or failed (a failed proof is returned, not thrown). */
export function waitForProof(http: Http, requestId: string, o: WaitOptions = {}): Promise<ProofRecord> {
  return waitFor(http, requestId, proofDone, "proof", o);
}

/**
 * Resolves with the record once its settlement is final (settled or failed), or once its proof
 * failed (nothing will be settled then). A request without an escrow request is refused as soon
 * as its proof is done: it has no settlement to wait for.
 */
export async function waitForSettlement(http: Http, requestId: string, o: WaitOptions = {}): Promise<ProofRecord> {
  const r = await waitFor(http, requestId, (x) => x.status === "failed" || settlementDone(x) || (proofDone(x) && !x.settlement), "settlement", o);
  if (r.status !== "failed" && !r.settlement) throw new ZkinferClientError("INVALID_ARGUMENT", `requestId: request ${requestId} has no escrow request, so no settlement to wait for`, "requestId");
  return r;
}

async function waitFor(http: Http, requestId: string, done: (r: ProofRecord) => boolean, what: string, o: WaitOptions): Promise<ProofRecord> {
  if (typeof requestId !== "string" || requestId === "") throw new ZkinferClientError("INVALID_ARGUMENT", `requestId: expected the infer answer's requestId, got ${JSON.stringify(requestId)}`, "requestId");
  const timeoutMs = o.timeoutMs ?? DEFAULT_WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  if (o.sse !== false) {
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(), timeoutMs);
    o.signal?.addEventListener("abort", () => stop.abort(), { once: true });
    try {
      const r = await viaEvents(http, requestId, stop.signal, done, o.onRecord);
      if (r) return r;
    } finally {
      clearTimeout(timer);
    }
  }
  return pollRecord(http, requestId, done, o, what, deadline);
}
