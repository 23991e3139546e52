/**
 * The route table: each route is declared once, with its parameters, query, body and
 * responses as schemas. `mountRoutes` registers the routes on a Hono app with validation
 * from those schemas; `openApiDocument` builds the OpenAPI 3.1 document from the same table,
 * so the documentation cannot drift from what the server accepts.
 *
 * @example
 *   const routes = [defineRoute({ method: "get", path: "/v1/models/{id}", params: { id: { type: "string" } },
 *     responses: { 200: { description: "the model" } }, handler: ({ c, params }) => c.json(service.getModel(params.id)) })];
 *   mountRoutes(app, routes, { bodyLimitBytes: 1 << 20, before: checkAccess });
 */
import type { Context, Hono } from "hono";
import { ServiceError } from "../core/types.ts";
import { coerce, validate, type Schema } from "./json-schema.ts";

export interface ResponseDef {
  description: string;
  schema?: Schema;
  /** Defaults to application/json. */
  contentType?: string;
}

export interface RequestParts {
  c: Context;
  params: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface RouteDef {
  method: "get" | "post";
  /** OpenAPI form, `{name}` for a path parameter. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags?: string[];
  params?: Record<string, Schema>;
  query?: Record<string, Schema>;
  body?: Schema;
  responses: Record<number, ResponseDef>;
  /** Needs an API key when keys are configured (and counts against the rate limit). */
  protected?: boolean;
  handler: (req: RequestParts) => Response | Promise<Response>;
}

export const defineRoute = (r: RouteDef): RouteDef => r;

export interface MountOptions {
  bodyLimitBytes: number;
  /** Runs before a protected route's validation (access control). */
  guard?: (c: Context) => void;
}

/** The Hono path for an OpenAPI path: `/v1/models/{id}` → `/v1/models/:id`. */
const honoPath = (p: string) => p.replace(/\{(\w+)\}/g, ":$1");

export function mountRoutes(app: Hono<any>, routes: RouteDef[], options: MountOptions): void {
  for (const r of routes) {
    app.on(r.method.toUpperCase(), honoPath(r.path), async (c) => {
      c.set("route", r.path);
      if (r.protected) options.guard?.(c);
      const params: Record<string, string> = {};
      for (const [name, schema] of Object.entries(r.params ?? {})) {
        params[name] = c.req.param(name) ?? "";
        validate(params[name], schema, name);
      }
      const query: Record<string, unknown> = {};
      for (const [name, schema] of Object.entries(r.query ?? {})) {
        const raw = c.req.query(name);
        if (raw === undefined) {
          if (schema.default !== undefined) query[name] = schema.default;
          continue;
        }
        query[name] = coerce(raw, schema);
        validate(query[name], schema, name);
      }
      let body: unknown;
      if (r.body) {
        requireJsonContentType(c.req.header("content-type"));
        body = await readJsonBody(c.req.raw, options.bodyLimitBytes);
        validate(body, r.body, "");
      }
      return r.handler({ c, params, query, body });
    });
  }
}

/**
 * A JSON body must say so: application/json or application/<anything>+json, with at most a
 * utf-8 charset. text/plain, form and multipart bodies are what a browser sends cross-site
 * without a preflight, so accepting them would let any web page post to this API while API
 * keys are off; 415 naming the header.
 */
export function requireJsonContentType(header: string | undefined): void {
  const [type, ...params] = (header ?? "").split(";").map((p) => p.trim().toLowerCase());
  const refuse = (why: string): never => {
    throw new ServiceError("UNSUPPORTED_MEDIA_TYPE", `content-type: ${why}; send the body as application/json`, "content-type");
  };
  if (!type) refuse("missing");
  if (type !== "application/json" && !/^application\/[a-z0-9.!#$&^_-]+\+json$/.test(type)) refuse(`${JSON.stringify(header)} is not JSON`);
  for (const p of params) {
    const [k, v = ""] = p.split("=").map((x) => x.trim());
    if (k === "charset" && v.replace(/^"|"$/g, "") !== "utf-8") refuse(`charset ${JSON.stringify(v)} is not utf-8`);
  }
}

/** Reads at most `limit` bytes (whatever Content-Length claims) and parses JSON; 413 / 400 naming the body. */
export async function readJsonBody(req: Request, limit: number): Promise<unknown> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  const tooLarge = () => new ServiceError("PAYLOAD_TOO_LARGE", `request body is larger than the limit of ${limit} bytes`, "body");
  if (Number.isFinite(declared) && declared > limit) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (text.trim() === "") throw new ServiceError("INVALID_ARGUMENT", "request body is empty: expected a JSON object", "body");
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ServiceError("INVALID_ARGUMENT", `request body is not valid JSON: ${(e as Error).message}`, "body");
  }
}

export interface OpenApiInfo {
  title: string;
  version: string;
  description?: string;
}

const ERROR_SCHEMA: Schema = {
  type: "object",
  required: ["error"],
  properties: {
    error: {
      type: "object",
      required: ["code", "message"],
      properties: {
        code: { type: "string", enum: ["INVALID_ARGUMENT", "NOT_FOUND", "PAYMENT_REQUIRED", "CONFLICT", "UNAUTHENTICATED", "RATE_LIMITED", "QUEUE_FULL", "PAYLOAD_TOO_LARGE", "UNSUPPORTED_MEDIA_TYPE", "DEADLINE_EXCEEDED", "UNAVAILABLE", "INTERNAL"] },
        message: { type: "string" },
        field: { type: "string", description: "The request field at fault, e.g. `input[3]`." },
      },
    },
  },
};

/** The OpenAPI 3.1 document of a route table. */
export function openApiDocument(routes: RouteDef[], info: OpenApiInfo, components: Record<string, Schema> = {}): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const parameters = [
      ...Object.entries(r.params ?? {}).map(([name, schema]) => ({ name, in: "path", required: true, description: schema.description, schema })),
      ...Object.entries(r.query ?? {}).map(([name, schema]) => ({ name, in: "query", required: false, description: schema.description, schema })),
    ];
    const responses: Record<string, unknown> = {};
    for (const [status, res] of Object.entries(r.responses)) {
      responses[status] = {
        description: res.description,
        ...(res.schema || res.contentType ? { content: { [res.contentType ?? "application/json"]: res.schema ? { schema: res.schema } : {} } } : {}),
      };
    }
    const errors: Record<string, string> = { "400": "Invalid argument (the message and `field` name the field)", "500": "Internal error" };
    if (r.params) errors["404"] = "Not found";
    if (r.body) Object.assign(errors, { "413": "Body larger than the configured limit", "415": "Body not sent as application/json" });
    if (r.protected) Object.assign(errors, { "401": "Missing or invalid API key (when keys are configured)", "429": "Rate limit exceeded (Retry-After)" });
    for (const [status, description] of Object.entries(errors)) {
      responses[status] ??= { description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } };
    }
    (paths[r.path] ??= {})[r.method] = {
      operationId: r.operationId,
      summary: r.summary,
      ...(r.description ? { description: r.description } : {}),
      ...(r.tags ? { tags: r.tags } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(r.body ? { requestBody: { required: true, content: { "application/json": { schema: r.body } } } } : {}),
      responses,
      ...(r.protected ? {} : { security: [] }),
    };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      schemas: { Error: ERROR_SCHEMA, ...components },
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "An API key as a bearer token (only when keys are configured)." },
        apiKey: { type: "apiKey", in: "header", name: "x-api-key" },
      },
    },
    security: [{ bearer: [] }, { apiKey: [] }],
  };
}
