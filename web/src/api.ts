/**
 * The gateway from the page: the client library (models, infer, records, verifyLocally,
 * commitInput) on this origin with the key typed in, plus what the client has no call for:
 * the job list and the event stream's intermediate statuses (the client's waitForProof returns
 * only the final record).
 */
import { ZkinferClient, type ProofRecord } from "../../client/index.ts";

export interface Api {
  zk: ZkinferClient;
  headers(): Record<string, string>;
}

export function makeApi(apiKey: string): Api {
  const key = apiKey.trim() || undefined;
  return {
    zk: new ZkinferClient({ baseUrl: location.origin, apiKey: key }),
    headers: (): Record<string, string> => (key ? { authorization: `Bearer ${key}` } : {}),
  };
}

export interface ProofPage {
  proofs: ProofRecord[];
  nextCursor: string | null;
}

export async function listProofs(api: Api, limit = 20): Promise<ProofPage> {
  const res = await fetch(`/v1/proofs?limit=${limit}`, { headers: api.headers() });
  if (!res.ok) throw new Error(`GET /v1/proofs: HTTP ${res.status}`);
  return (await res.json()) as ProofPage;
}

/**
 * Calls onRecord for each status event of GET /v1/proofs/{id}/events until the record is
 * proved or failed; when the stream cannot be read (or breaks off), polls the record instead.
 * Resolves with the last record.
 */
export async function watchProof(api: Api, requestId: string, onRecord: (r: ProofRecord) => void, timeoutMs = 120_000): Promise<ProofRecord> {
  const done = (r: ProofRecord) => r.status === "proved" || r.status === "failed";
  const deadline = Date.now() + timeoutMs;
  let last: ProofRecord | undefined;
  try {
    const res = await fetch(`/v1/proofs/${encodeURIComponent(requestId)}/events`, { headers: { ...api.headers(), accept: "text/event-stream" } });
    if (res.ok && res.body) {
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buf += value;
        let cut: number;
        while ((cut = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, cut);
          buf = buf.slice(cut + 2);
          const data = block.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
          if (!data) continue;
          last = JSON.parse(data) as ProofRecord;
          onRecord(last);
          if (done(last)) {
            void reader.cancel();
            return last;
          }
        }
      }
    }
  } catch {
    /* the stream is unavailable: poll below */
  }
  for (;;) {
    const r = await api.zk.proof(requestId);
    if (!last || r.status !== last.status) onRecord(r);
    last = r;
    if (done(r)) return r;
    if (Date.now() > deadline) throw new Error(`request ${requestId}: still ${r.status} after ${timeoutMs} ms`);
    await new Promise((res) => setTimeout(res, 500));
  }
}
