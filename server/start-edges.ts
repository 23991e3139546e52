/**
 * Wiring of the two edges around one InferenceService: the HTTP app (Hono on
 * @hono/node-server) and the gRPC server, sharing access control, metrics and the logger.
 * The caller owns the service: `close()` here stops the edges only.
 *
 * @example
 *   const service = await createService(config);
 *   const edges = await startEdges(service, config);
 *   console.log(edges.httpUrl, edges.grpcAddress);
 *   await edges.close(); await service.close();
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import { createAdaptorServer } from "@hono/node-server";
import type { InferenceService } from "./core/types.ts";
import type { ServiceConfig } from "./config/defaults.ts";
import { createAccess } from "./edge/access.ts";
import { createEdgeMetrics } from "./edge/edge-metrics.ts";
import { createLogger, stdoutSink, type LogSink } from "./edge/log.ts";
import { createHttpApp } from "./http/app.ts";
import { startGrpcServer } from "./grpc/server.ts";

/** The edges' part of the service config. */
export type EdgeConfig = Pick<ServiceConfig, "http" | "grpc" | "bodyLimitBytes" | "apiKeys" | "rateLimitPerMinute">;

/** Edge-only settings that are not part of the service config (kept here, once). */
export const EDGE_DEFAULTS = Object.freeze({
  /** ?wait=proof / wait_for_proof: default and longest wait. */
  defaultWaitMs: 30_000,
  maxWaitMs: 120_000,
  /** How long close() lets open requests (SSE streams, waits) run before cutting them. */
  closeGraceMs: 2_000,
});

export interface Edges {
  httpUrl: string;
  httpPort: number;
  grpcAddress: string;
  grpcPort: number;
  close(): Promise<void>;
}

export interface EdgeExtras {
  log?: LogSink;
  version?: string;
}

export async function startEdges(service: InferenceService, config: EdgeConfig, extras: EdgeExtras = {}): Promise<Edges> {
  const logger = createLogger(extras.log ?? stdoutSink);
  const metrics = createEdgeMetrics(service);
  const access = createAccess({ apiKeys: config.apiKeys, rateLimit: { perMinute: config.rateLimitPerMinute } });

  const app = createHttpApp(service, {
    access, logger, metrics,
    bodyLimitBytes: config.bodyLimitBytes,
    defaultWaitMs: EDGE_DEFAULTS.defaultWaitMs,
    maxWaitMs: EDGE_DEFAULTS.maxWaitMs,
    version: extras.version ?? "0.1.0",
  });
  const http = createAdaptorServer({ fetch: app.fetch }) as Server;
  await new Promise<void>((resolve, reject) => {
    const onError = (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE"
        ? `HTTP: ${config.http.host}:${config.http.port} is already in use; choose another port with the http.port option (ZKINFER_HTTP_PORT)`
        : `HTTP: cannot listen on ${config.http.host}:${config.http.port}: ${e.message} (options http.host / http.port: ZKINFER_HOST, ZKINFER_HTTP_PORT)`));
    http.once("error", onError);
    http.listen(config.http.port, config.http.host, () => {
      http.off("error", onError);
      resolve();
    });
  });
  const httpPort = (http.address() as AddressInfo).port;

  let grpc;
  try {
    grpc = await startGrpcServer(service, {
      host: config.grpc.host, port: config.grpc.port, access, logger, metrics,
      maxMessageBytes: config.bodyLimitBytes,
      defaultWaitMs: EDGE_DEFAULTS.defaultWaitMs,
      maxWaitMs: EDGE_DEFAULTS.maxWaitMs,
    });
  } catch (e) {
    http.close();
    throw e;
  }

  const hostForUrl = (h: string) => (h.includes(":") ? `[${h}]` : h);
  return {
    httpUrl: `http://${hostForUrl(config.http.host)}:${httpPort}`,
    httpPort,
    grpcAddress: `${hostForUrl(config.grpc.host)}:${grpc.port}`,
    grpcPort: grpc.port,
    async close() {
      const httpClosed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeIdleConnections();
      const cut = setTimeout(() => http.closeAllConnections(), EDGE_DEFAULTS.closeGraceMs);
      await Promise.all([httpClosed, grpc.close()]);
      clearTimeout(cut);
    },
  };
}
