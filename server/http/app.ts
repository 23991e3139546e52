/**
 * The Hono app of the HTTP edge: request id and one JSON log line per request, metrics by
 * route and status, access control on /v1, the route table, and the error table applied once
 * in app.onError.
 */
import { Hono, type Context } from "hono";
import type { HttpBindings } from "@hono/node-server";
import { HTTPException } from "hono/http-exception";
import type { InferenceService } from "../core/types.ts";
import { ServiceError } from "../core/types.ts";
import type { Access } from "../edge/access.ts";
import { ERROR_TABLE, errorBody, retryAfterSeconds, toServiceError } from "../edge/errors.ts";
import type { EdgeLogger } from "../edge/log.ts";
import { requestIdFrom } from "../edge/log.ts";
import type { EdgeMetrics } from "../edge/edge-metrics.ts";
import { mountRoutes } from "./route-table.ts";
import { apiRoutes, type RouteOptions } from "./routes.ts";
import { webConsoleAssets } from "../web/index.ts";
import { mountWebConsole } from "../web/routes.ts";
import type { WebAssets } from "../web/build.ts";

export type HttpEnv = { Bindings: Partial<HttpBindings>; Variables: { requestId: string; route: string; caller?: string; errorCode?: string } };

export interface HttpAppOptions extends RouteOptions {
  bodyLimitBytes: number;
  access: Access;
  logger: EdgeLogger;
  metrics: EdgeMetrics;
  /** The web console's assets (GET /); default: built once into the data directory's web/. */
  webAssets?: () => Promise<WebAssets>;
}

export function createHttpApp(service: InferenceService, o: HttpAppOptions): Hono<HttpEnv> {
  const app = new Hono<HttpEnv>();

  app.use("*", async (c, next) => {
    const t0 = performance.now();
    const requestId = requestIdFrom(c.req.header("x-request-id"));
    c.set("requestId", requestId);
    c.set("route", "unmatched");
    await next();
    c.res.headers.set("x-request-id", requestId);
    const seconds = (performance.now() - t0) / 1000;
    const route = c.get("route");
    const status = c.res.status;
    o.metrics.httpRequests.inc({ method: c.req.method, route, status: String(status) });
    o.metrics.httpLatency.observe(seconds, { method: c.req.method, route });
    o.logger.info("request", {
      requestId, method: c.req.method, path: c.req.path, route, status, ms: Math.round(seconds * 1e4) / 10,
      ...(c.get("caller") ? { caller: c.get("caller") } : {}),
      ...(c.get("errorCode") ? { error: c.get("errorCode") } : {}),
    });
  });

  mountRoutes(app, apiRoutes(service, o.metrics.registry, o), {
    bodyLimitBytes: o.bodyLimitBytes,
    guard: (c) => {
      const ctx = c as Context<HttpEnv>;
      ctx.set("caller", o.access.check({ authorization: c.req.header("authorization"), apiKey: c.req.header("x-api-key") }, ctx.env?.incoming?.socket?.remoteAddress ?? "unknown"));
    },
  });

  mountWebConsole(app, o.webAssets ?? webConsoleAssets());

  app.notFound((c) => {
    const err = new ServiceError("NOT_FOUND", `no route ${c.req.method} ${c.req.path} (see GET /openapi.json)`, "path");
    return c.json(errorBody(err), 404);
  });

  app.onError((e, c) => {
    // Hono's own exceptions (e.g. from its helpers) keep their status; ours go through the table.
    if (e instanceof HTTPException && !(e.cause instanceof ServiceError)) return e.getResponse();
    const err = toServiceError(e instanceof HTTPException ? e.cause : e);
    if (err.code === "INTERNAL") o.logger.error("unhandled error", { requestId: c.get("requestId"), error: String((e as Error)?.stack ?? e) });
    c.set("errorCode", err.code);
    const retry = retryAfterSeconds(err);
    const headers: Record<string, string> = retry !== undefined ? { "retry-after": String(retry) } : {};
    // The rest of an oversized (or refused) body is never read: tell the client this connection ends here.
    if (err.code === "PAYLOAD_TOO_LARGE" || err.code === "UNSUPPORTED_MEDIA_TYPE") headers.connection = "close";
    return c.json(errorBody(err), ERROR_TABLE[err.code].http as 400, headers);
  });

  return app;
}
