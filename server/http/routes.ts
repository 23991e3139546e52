/**
 * The HTTP API as one route table: /v1 models, infer, proofs (JSON and server-sent events),
 * verify; and the operational routes /healthz, /readyz, /metrics, /openapi.json.
 */
import { readFile } from "node:fs/promises";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import type { InferenceService, ProofRecord } from "../core/types.ts";
import { ServiceError } from "../core/types.ts";
import { PROMETHEUS_CONTENT_TYPE, type Registry } from "../edge/metrics.ts";
import { renameField } from "../edge/fields.ts";
import { defineRoute, openApiDocument, type RouteDef } from "./route-table.ts";
import { chainRoute } from "./chain-route.ts";
import { INFER_BODY, INFER_RESULT, MODEL, MODEL_ID, PAYMENT, PROOF_RECORD, REQUEST_ID, ROUNDING_RULE, VERIFY_BODY } from "./api-schemas.ts";
import { httpWarning, jobRoutes } from "./job-routes.ts";
import { isFinal } from "../core/records.ts";

export interface RouteOptions {
  /** Longest ?timeout= for ?wait=proof, in ms. */
  maxWaitMs: number;
  /** ?timeout= when absent. */
  defaultWaitMs: number;
  version: string;
}

const isDone = (r: ProofRecord) => r.status === "proved" || r.status === "failed";

/** The proof part of a record, as infer?wait=proof carries it (with the settlement, once there is one). */
const proofPart = (r: ProofRecord) => ({
  status: r.status,
  ...(r.proof !== undefined ? { proof: r.proof, publicSignals: r.publicSignals, calldata: r.calldata } : {}),
  ...(r.error !== undefined ? { error: r.error } : {}),
  ...(r.settlement !== undefined ? { settlement: r.settlement } : {}),
});

export function apiRoutes(service: InferenceService, metrics: Registry, o: RouteOptions): RouteDef[] {
  const routes: RouteDef[] = [
    defineRoute({
      method: "get", path: "/v1/models", operationId: "listModels", summary: "List the served models", tags: ["models"], protected: true,
      responses: { 200: { description: "The models", schema: { type: "object", properties: { models: { type: "array", items: { $ref: "#/components/schemas/Model" } } } } } },
      // Ready models with their full card, the others (building, failed) with their state and reason.
      handler: ({ c }) => c.json({ models: service.modelStates().map((m) => (m.state === "ready" ? { ...service.getModel(m.name), state: "ready" } : m)) }),
    }),
    defineRoute({
      method: "get", path: "/v1/models/{id}", operationId: "getModel", summary: "A model's manifest", tags: ["models"], protected: true,
      params: { id: MODEL_ID },
      responses: { 200: { description: "The model", schema: { $ref: "#/components/schemas/Model" } } },
      handler: ({ c, params }) => c.json(service.getModel(params.id)),
    }),
    defineRoute({
      method: "get", path: "/v1/models/{id}/vkey", operationId: "getVkey", summary: "A model's Groth16 verifying key (snarkjs JSON)", tags: ["models"], protected: true,
      params: { id: MODEL_ID },
      responses: { 200: { description: "The verifying key", schema: { type: "object" } } },
      handler: ({ c, params }) => c.json(service.getVkey(params.id) as object),
    }),
    defineRoute({
      method: "get", path: "/v1/models/{id}/price", operationId: "getPrice", summary: "How to pay for a proof of the model through the escrow", tags: ["models"], protected: true,
      params: { id: MODEL_ID },
      responses: { 200: { description: "The payment terms", schema: { $ref: "#/components/schemas/Payment" } } },
      handler: ({ c, params }) => c.json(service.getPrice(params.id)),
    }),
    defineRoute({
      method: "post", path: "/v1/models/{id}/infer", operationId: "infer", tags: ["inference"], protected: true,
      summary: "Run the model now and queue the proof of its output",
      description: `Answers with the output at once (with its dequantized values and, for a classifier, the class and its label) and the proof status; with ?wait=proof waits up to ?timeout= ms for the proof (200 when proved or failed, 202 with the current status when the wait ran out: poll GET /v1/proofs/{requestId}); with ?wait=settlement (needs an escrowRequestId) also for the settlement to be final, settled or failed (200; 202 with the current proof and settlement when the wait ran out). ${ROUNDING_RULE}`,
      params: { id: MODEL_ID },
      query: {
        wait: { type: "string", enum: ["proof", "settlement"], description: "`proof`: wait for the proof before answering; `settlement`: for the proof and then the escrow request's settlement (only with an escrowRequestId)." },
        timeout: { type: "integer", minimum: 0, maximum: o.maxWaitMs, default: o.defaultWaitMs, description: `With wait: the longest wait in ms (at most ${o.maxWaitMs}).` },
      },
      body: INFER_BODY,
      responses: {
        200: { description: "The output (and, with wait=proof, the finished proof)", schema: { $ref: "#/components/schemas/InferResult" } },
        202: { description: "wait=proof ran out of time: the output and the proof's current status", schema: { $ref: "#/components/schemas/InferResult" } },
        402: { description: "escrowRequestId: the escrow request does not pay this server enough (operator, token or price; see GET /v1/models/{id}/price). Nothing stored or proved.", schema: { $ref: "#/components/schemas/Error" } },
        404: { description: "No such model, or escrowRequestId names no escrow request on the server's chain", schema: { $ref: "#/components/schemas/Error" } },
        409: { description: "escrowRequestId: the escrow request is closed, for another model or input commitment, or its deadline leaves too little time to prove and settle. Nothing stored or proved.", schema: { $ref: "#/components/schemas/Error" } },
        503: { description: "The proving queue is full, or the chain does not answer while admitting an escrow request (Retry-After)", schema: { $ref: "#/components/schemas/Error" } },
      },
      handler: async ({ c, params, query, body }) => {
        const b = body as { input: unknown[]; kind?: "float" | "int8"; escrowRequestId?: unknown; inputSalt?: string; nonce?: unknown; strict?: boolean };
        const settlement = query.wait === "settlement";
        // Refused before anything is created: there would be no settlement to wait for.
        if (settlement && (b.escrowRequestId === undefined || b.escrowRequestId === null || b.escrowRequestId === "")) {
          throw new ServiceError("INVALID_ARGUMENT", "wait: settlement needs an escrowRequestId in the body (a request without one is never settled); use wait=proof", "wait");
        }
        const answer = await service
          .infer(params.id, { kind: b.kind ?? "int8", values: b.input, escrowRequestId: b.escrowRequestId, inputSalt: b.inputSalt, nonce: b.nonce, strict: b.strict })
          .catch((e: unknown) => { throw renameField(e, "input.values", "input"); });
        const result = answer.warning ? { ...answer, warning: httpWarning(answer.warning) } : answer;
        if (query.wait === undefined) return c.json(result);
        let record: ProofRecord;
        try {
          record = await service.waitForProof(result.requestId, query.timeout as number, { settlement });
        } catch (e) {
          if (!(e instanceof ServiceError && e.code === "DEADLINE_EXCEEDED")) throw e;
          record = service.getProof(result.requestId);
        }
        return c.json({ ...result, proof: proofPart(record) }, (settlement ? isFinal(record) : isDone(record)) ? 200 : 202);
      },
    }),
    defineRoute({
      method: "get", path: "/v1/proofs/{requestId}", operationId: "getProof", tags: ["proofs"], protected: true,
      summary: "A request's proof status, and once proved the proof, public signals and Solidity calldata",
      params: { requestId: REQUEST_ID },
      responses: { 200: { description: "The proof record", schema: { $ref: "#/components/schemas/ProofRecord" } } },
      handler: ({ c, params }) => c.json(service.getProof(params.requestId)),
    }),
    defineRoute({
      method: "get", path: "/v1/proofs/{requestId}/events", operationId: "watchProof", tags: ["proofs"], protected: true,
      summary: "Server-sent events: one `status` event per change of the proof status or the settlement status (the first is the current record); the stream ends once nothing more changes: failed, or proved with no escrow request or a final (settled, failed) settlement",
      params: { requestId: REQUEST_ID },
      responses: { 200: { description: "`event: status`, `data:` the proof record as JSON", contentType: "text/event-stream", schema: { type: "string" } } },
      handler: ({ c, params }) => sseProof(c, service, params.requestId),
    }),
    defineRoute({
      method: "post", path: "/v1/verify", operationId: "verify", tags: ["proofs"], protected: true,
      summary: "Verify a proof against a model's verifying key",
      body: VERIFY_BODY,
      responses: {
        200: {
          description: "Whether the proof is valid, and if not why (e.g. a hashed-weights proof for other weights)",
          schema: { type: "object", properties: { valid: { type: "boolean" }, reason: { type: "string" } } },
        },
      },
      handler: async ({ c, body }) => {
        const b = body as { model: string; proof: unknown; publicSignals: string[]; nonce?: unknown };
        return c.json(await service.verify(b.model, b.proof, b.publicSignals, { nonce: b.nonce }));
      },
    }),
    chainRoute(service),
    defineRoute({
      method: "get", path: "/healthz", operationId: "health", summary: "Liveness: the event loop answers", tags: ["operations"],
      responses: { 200: { description: "Alive", schema: { type: "object", properties: { ok: { type: "boolean" } } } } },
      handler: ({ c }) => c.json(service.health()),
    }),
    defineRoute({
      method: "get", path: "/readyz", operationId: "ready", summary: "Readiness: models loaded, store open, pool up", tags: ["operations"],
      responses: {
        200: { description: "Ready", schema: { type: "object", properties: { ready: { type: "boolean" }, reasons: { type: "array", items: { type: "string" } } } } },
        503: { description: "Not ready, with reasons", schema: { type: "object", properties: { ready: { type: "boolean" }, reasons: { type: "array", items: { type: "string" } } } } },
      },
      handler: ({ c }) => {
        const r = service.ready();
        return c.json(r, r.ready ? 200 : 503);
      },
    }),
    defineRoute({
      method: "get", path: "/v1/artifacts/{sha256}", operationId: "getArtifact", tags: ["fleet"], protected: true,
      summary: "A file prover nodes need (circuit wasm, proving key, integer ONNX), by its sha256",
      description: "Fleet mode only: serves only the files handed to the fleet, looked up by content hash; the node checks the hash of what it receives.",
      params: { sha256: { type: "string", pattern: "^[0-9a-f]{64}$" } },
      responses: { 200: { description: "The file's bytes", contentType: "application/octet-stream", schema: { type: "string" } } },
      handler: async ({ c, params }) => {
        const file = service.artifactPath?.(params.sha256);
        if (!file) throw new ServiceError("NOT_FOUND", `sha256: no artifact ${params.sha256} on this gateway (only files handed to the prover fleet are served)`, "sha256");
        const bytes = await readFile(file);
        return c.body(new Uint8Array(bytes), 200, { "content-type": "application/octet-stream" });
      },
    }),
    defineRoute({
      method: "get", path: "/metrics", operationId: "metrics", summary: "Prometheus metrics (text exposition format 0.0.4)", tags: ["operations"],
      responses: { 200: { description: "Metrics", contentType: "text/plain", schema: { type: "string" } } },
      handler: ({ c }) => c.body(metrics.render(), 200, { "content-type": PROMETHEUS_CONTENT_TYPE }),
    }),
    ...jobRoutes(service),
  ];
  let doc: Record<string, unknown> | undefined;
  routes.push(
    defineRoute({
      method: "get", path: "/openapi.json", operationId: "openapi", summary: "This document (OpenAPI 3.1)", tags: ["operations"],
      responses: { 200: { description: "The OpenAPI document", schema: { type: "object" } } },
      handler: ({ c }) => {
        doc ??= openApiDocument(routes, { title: "zkinfer", version: o.version, description: "Verifiable inference: the model's output at once, a Groth16 proof of it when ready." }, {
          Model: MODEL, Payment: PAYMENT, InferResult: INFER_RESULT, ProofRecord: PROOF_RECORD,
        });
        return c.json(doc);
      },
    }),
  );
  return routes;
}

/** Streams status changes of one request; NOT_FOUND is raised before the stream starts so it stays a JSON 404. */
function sseProof(c: Context, service: InferenceService, requestId: string): Response {
  service.getProof(requestId);
  return streamSSE(c, async (stream) => {
    const pending: ProofRecord[] = [];
    let wake: (() => void) | undefined;
    let closed = false;
    const unsubscribe = service.watch(requestId, (r) => {
      pending.push(r);
      wake?.();
    });
    stream.onAbort(() => {
      closed = true;
      wake?.();
    });
    try {
      let last: string | undefined;
      let n = 0;
      while (!closed) {
        const r = pending.shift();
        if (!r) {
          await new Promise<void>((res) => (wake = res));
          wake = undefined;
          continue;
        }
        const key = `${r.status}/${r.settlement?.status ?? ""}`;
        if (key === last) continue;
        last = key;
        await stream.writeSSE({ event: "status", id: String(n++), data: JSON.stringify(r) });
        if (isFinal(r)) break;
      }
    } finally {
      unsubscribe();
    }
  });
}
