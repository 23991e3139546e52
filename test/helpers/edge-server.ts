/**
 * The real server for end-to-end tests, in-process: the core's createService on a temp SQLite
 * file with digits-mlp only, and the HTTP + gRPC edges on ephemeral 127.0.0.1 ports. Also the
 * small clients the edge tests share (JSON fetch, SSE reader, metrics parser).
 */
import { loadConfig, type ServiceConfig, type ServiceConfigInput } from "../../server/config/index.ts";
import { createService, silentServiceLogger } from "../../server/service/index.ts";
import type { InferenceService } from "../../server/core/types.ts";
import { startEdges, type Edges } from "../../server/start-edges.ts";
import { makeTempDir, type TempDir } from "./temp-dir.ts";
import { loadDigits, splitDigits } from "../../models/lib/digits.ts";

export interface TestServer {
  config: ServiceConfig;
  service: InferenceService;
  edges: Edges;
  url: string;
  tmp: TempDir;
  /** The JSON log lines the edges wrote. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startTestServer(overrides: ServiceConfigInput = {}): Promise<TestServer> {
  const tmp = makeTempDir("zkinfer-edge-");
  const config = loadConfig({
    env: {},
    overrides: {
      dbPath: tmp.file("jobs.sqlite"),
      models: ["digits-mlp"],
      poolThreads: 1,
      ...overrides,
      http: { host: "127.0.0.1", port: 0, ...overrides.http },
      grpc: { host: "127.0.0.1", port: 0, ...overrides.grpc },
    },
  });
  const service = await createService(config, { logger: silentServiceLogger });
  const logs: Record<string, unknown>[] = [];
  const edges = await startEdges(service, config, { log: (line) => logs.push(JSON.parse(line)) });
  return {
    config, service, edges, tmp, logs,
    url: edges.httpUrl,
    async close() {
      await edges.close();
      await service.close();
      tmp.remove();
    },
  };
}

/** The first test digits' pixels (int8 inputs of digits-mlp). */
export const testDigits = (n: number) => splitDigits(loadDigits()).test.slice(0, n);

export async function json(url: string, init: Omit<RequestInit, "body"> & { body?: unknown } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const body = init.body === undefined || typeof init.body === "string" ? init.body : JSON.stringify(init.body);
  const res = await fetch(url, { ...init, body: body as string | undefined, headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) } });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

/** Reads a server-sent event stream to its end: [{event, data}]. */
export async function readSse(url: string): Promise<{ event: string; data: any }[]> {
  const res = await fetch(url);
  if (res.status !== 200) throw new Error(`SSE ${url}: ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text
    .split("\n\n")
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split("\n");
      const event = lines.find((l) => l.startsWith("event:"))?.slice(6).trim() ?? "message";
      const data = lines.filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trimStart()).join("\n");
      return { event, data: JSON.parse(data) };
    });
}

/** Parses the Prometheus text format strictly: every line is a comment or `name{labels} value`. */
export function parseMetrics(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  const out: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .+$/.test(line)) continue;
    const m = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/);
    if (!m) throw new Error(`not a Prometheus sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: m[4] === "+Inf" ? Infinity : Number(m[4]) });
  }
  return out;
}

/** Jobs in the store by status, read through /metrics (the edge's view of service.stats()). */
export async function jobCount(url: string): Promise<number> {
  const samples = parseMetrics(await (await fetch(`${url}/metrics`)).text());
  return samples.filter((s) => s.name === "zkinfer_proofs").reduce((a, s) => a + s.value, 0);
}
