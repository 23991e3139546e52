/**
 * `npm start`: the gateway on the embedded default. Steps, each one function so later issues
 * add theirs (issue #5: a local chain and the contracts, between the service and the edges):
 *   1. config: defaults, ZKINFER_CONFIG file, ZKINFER_* environment (server/config)
 *   2. the service: models (compiled and set up if missing), SQLite jobs, prover pool
 *   3. the edges: HTTP on http.host:http.port, gRPC on grpc.host:grpc.port
 *   4. print where it listens and a curl that works; on SIGINT/SIGTERM close gracefully.
 */
import { createServer } from "node:net";
import { loadConfig, type ServiceConfig } from "./config/index.ts";
import { createService } from "./service/index.ts";
import type { InferenceService, ModelInfo } from "./service/types.ts";
import { startEdges, type Edges } from "./app.ts";
import { createLogger, stdoutSink } from "./edge/log.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";

const say = (line: string) => process.stderr.write(`${line}\n`);

/** A request that works against the first served model: a real test digit for digits-mlp, zeros otherwise. */
function exampleCurl(edges: Edges, models: ModelInfo[]): string {
  const m = models.find((x) => x.name === "digits-mlp") ?? models[0];
  if (!m) return "(no model is served)";
  const size = m.input.shape.reduce((a, b) => a * b, 1);
  const input = m.name === "digits-mlp" ? splitDigits(loadDigits()).test[0].pixels : new Array(size).fill(0);
  const body = JSON.stringify({ input, kind: "int8" });
  return `curl -s '${edges.httpUrl}/v1/models/${m.name}/infer?wait=proof' -H 'content-type: application/json' -d '${body}'`;
}

function banner(config: ServiceConfig, service: InferenceService, edges: Edges): void {
  const models = service.listModels();
  // One write, so a reader never sees "listening" without the example after it.
  say([
    `zkinfer: ${models.length} model(s): ${models.map((m) => `${m.name} (${m.constraints} constraints)`).join(", ")}`,
    `zkinfer: jobs in ${config.dbPath}; ${config.poolThreads} prover thread(s); API keys ${config.apiKeys.length ? "on" : "off"}`,
    `zkinfer: gRPC listening on ${edges.grpcAddress} (zkinfer.v1.Inference, server/grpc/zkinfer.proto)`,
    `zkinfer: HTTP listening on ${edges.httpUrl} (OpenAPI: ${edges.httpUrl}/openapi.json, metrics: ${edges.httpUrl}/metrics)`,
    `zkinfer: try\n  ${exampleCurl(edges, models)}`,
  ].join("\n"));
}

/**
 * Fails fast, before the minutes a first model setup may take, when a port is taken. The edges
 * check again when they really listen (another process may take the port in between).
 */
async function assertPortFree(host: string, port: number, option: string): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `${host}:${port} is already in use; choose another port with the ${option} option` : `cannot listen on ${host}:${port} (${option}): ${e.message}`)));
    s.listen(port, host, () => s.close(() => resolve()));
  });
}

/** Resolves when the process is asked to stop; a second signal exits at once. */
function untilSignal(): Promise<string> {
  return new Promise((resolve) => {
    let asked = false;
    const on = (sig: string) => {
      if (asked) process.exit(130);
      asked = true;
      resolve(sig);
    };
    process.on("SIGINT", () => on("SIGINT"));
    process.on("SIGTERM", () => on("SIGTERM"));
  });
}

async function main(): Promise<number> {
  const config = loadConfig();
  await assertPortFree(config.http.host, config.http.port, "http.port (ZKINFER_HTTP_PORT)");
  await assertPortFree(config.grpc.host, config.grpc.port, "grpc.port (ZKINFER_GRPC_PORT)");
  // The service's log lines as JSON too, so stdout is one JSON object per line throughout.
  const log = createLogger(stdoutSink, { component: "service" });
  const service = await createService(config, { logger: { info: (m) => log.info(m), warn: (m) => log.warn(m), error: (m) => log.error(m) } });
  let edges: Edges;
  try {
    edges = await startEdges(service, config);
  } catch (e) {
    await service.close();
    throw e;
  }
  banner(config, service, edges);
  const sig = await untilSignal();
  say(`zkinfer: ${sig}: closing (in-flight proofs finish or are re-queued for the next start) ...`);
  await edges.close();
  await service.close();
  say("zkinfer: closed");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    say(`zkinfer: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
