/**
 * The gRPC edge (zkinfer.v1.Inference on @grpc/grpc-js): the same service calls as the HTTP
 * routes, the same access control, and the same error table (edge/errors.ts). Every call gets
 * an x-request-id (echoed from the caller's metadata when valid) in its response metadata and
 * its log line.
 */
import * as grpc from "@grpc/grpc-js";
import type { InferenceService, ProofRecord } from "../core/types.ts";
import { ServiceError } from "../core/types.ts";
import type { Access } from "../edge/access.ts";
import { ERROR_TABLE, retryAfterSeconds, toServiceError } from "../edge/errors.ts";
import { requestIdFrom, type EdgeLogger } from "../edge/log.ts";
import type { EdgeMetrics } from "../edge/edge-metrics.ts";
import { renameField } from "../edge/fields.ts";
import { loadInference } from "./proto.ts";
import { chainMessage, modelMessage, proofMessage, statusEnum, paymentMessage, readingMessage, warningMessage } from "./messages.ts";
import { isFinal } from "../core/records.ts";
import type { ProofStatus } from "../core/types.ts";

export interface GrpcOptions {
  host: string;
  port: number;
  access: Access;
  logger: EdgeLogger;
  metrics: EdgeMetrics;
  /** Largest request message, in bytes (the HTTP body limit). */
  maxMessageBytes: number;
  maxWaitMs: number;
  defaultWaitMs: number;
}

export interface GrpcEdge {
  port: number;
  close(): Promise<void>;
}

interface CallContext {
  requestId: string;
  caller: string;
  /** ms until the caller's deadline, Infinity when none. */
  deadlineMs: number;
}

const first = (md: grpc.Metadata, key: string) => {
  const v = md.get(key)[0];
  return typeof v === "string" ? v : undefined;
};

function statusOf(err: ServiceError, requestId: string): grpc.ServerErrorResponse {
  const metadata = new grpc.Metadata();
  metadata.set("x-request-id", requestId);
  if (err.field) metadata.set("error-field", err.field);
  const retry = retryAfterSeconds(err);
  if (retry !== undefined) metadata.set("retry-after", String(retry));
  return Object.assign(new Error(err.message), { code: ERROR_TABLE[err.code].grpc, details: err.message, metadata });
}

const required = (value: string, field: string) => {
  if (!value) throw new ServiceError("INVALID_ARGUMENT", `${field}: required field is missing`, field);
  return value;
};

export async function startGrpcServer(service: InferenceService, o: GrpcOptions): Promise<GrpcEdge> {
  const server = new grpc.Server({ "grpc.max_receive_message_length": o.maxMessageBytes });

  /** Access, request id, metrics and the log line around one call. */
  const begin = (method: string, call: grpc.ServerUnaryCall<unknown, unknown> | grpc.ServerWritableStream<unknown, unknown>) => {
    const t0 = performance.now();
    const requestId = requestIdFrom(first(call.metadata, "x-request-id"));
    const md = new grpc.Metadata();
    md.set("x-request-id", requestId);
    call.sendMetadata(md);
    const finish = (code: grpc.status, extra: Record<string, unknown> = {}) => {
      const seconds = (performance.now() - t0) / 1000;
      o.metrics.grpcCalls.inc({ method, code: grpc.status[code] ?? String(code) });
      o.metrics.grpcLatency.observe(seconds, { method });
      o.logger.info("grpc call", { requestId, method, code: grpc.status[code], ms: Math.round(seconds * 1e4) / 10, ...extra });
    };
    const fail = (e: unknown) => {
      const err = toServiceError(e);
      if (err.code === "INTERNAL") o.logger.error("unhandled error", { requestId, method, error: String((e as Error)?.stack ?? e) });
      finish(ERROR_TABLE[err.code].grpc, { error: err.code });
      return statusOf(err, requestId);
    };
    const deadline = call.getDeadline();
    const at = deadline instanceof Date ? deadline.getTime() : Number(deadline);
    const ctx = (caller: string): CallContext => ({ requestId, caller, deadlineMs: Number.isFinite(at) ? at - Date.now() : Infinity });
    const authorize = () =>
      ctx(o.access.check({ authorization: first(call.metadata, "authorization"), apiKey: first(call.metadata, "x-api-key") }, call.getPeer().replace(/:\d+$/, "")));
    return { authorize, finish, fail, requestId };
  };

  const unary =
    <Req, Res>(method: string, fn: (req: Req, ctx: CallContext) => Res | Promise<Res>): grpc.handleUnaryCall<Req, Res> =>
    async (call, callback) => {
      const c = begin(method, call);
      try {
        const res = await fn(call.request, c.authorize());
        c.finish(grpc.status.OK);
        callback(null, res);
      } catch (e) {
        callback(c.fail(e));
      }
    };

  const waitFor = async (requestId: string, timeoutMs: number, settlement = false): Promise<ProofRecord> => {
    try {
      return await service.waitForProof(requestId, timeoutMs, { settlement });
    } catch (e) {
      if (e instanceof ServiceError && e.code === "DEADLINE_EXCEEDED") return service.getProof(requestId);
      throw e;
    }
  };

  type Req = Record<string, any>;
  const handlers: grpc.UntypedServiceImplementation = {
    listModels: unary<Req, unknown>("ListModels", () => ({
      models: service.modelStates().map((s) => (s.state === "ready" ? modelMessage(service.getModel(s.name)) : { name: s.name, id: s.id ?? "", cid: s.cid ?? "", state: s.state, stateReason: s.reason ?? "" })),
    })),
    getModel: unary<Req, unknown>("GetModel", (req) => {
      const m = service.getModel(required(req.model, "model"));
      return modelMessage(m, req.includeVkey ? service.getVkey(m.id) : undefined);
    }),
    getPrice: unary<Req, unknown>("GetPrice", (req) => paymentMessage(service.getPrice(required(req.model, "model")))),
    getChain: unary<Req, unknown>("GetChain", () => chainMessage(service.getChain())),
    infer: unary<Req, unknown>("Infer", async (req, ctx) => {
      const model = required(req.model, "model");
      const timeout = req.timeoutMs || o.defaultWaitMs;
      if (req.waitForProof && timeout > o.maxWaitMs) throw new ServiceError("INVALID_ARGUMENT", `timeout_ms: expected <= ${o.maxWaitMs}, got ${timeout}`, "timeout_ms");
      const kind = req.kind === "INPUT_KIND_FLOAT" ? "float" : "int8";
      if (req.waitForSettlement && !req.waitForProof) throw new ServiceError("INVALID_ARGUMENT", "wait_for_settlement: needs wait_for_proof", "wait_for_settlement");
      // Refused before anything is created: there would be no settlement to wait for.
      if (req.waitForSettlement && !req.escrowRequestId) throw new ServiceError("INVALID_ARGUMENT", "wait_for_settlement: needs an escrow_request_id (a request without one is never settled)", "wait_for_settlement");
      const result = await service.infer(model, { kind, values: req.values, escrowRequestId: req.escrowRequestId || undefined, inputSalt: req.inputSalt || undefined, nonce: req.nonce || undefined, strict: req.strict }).catch((e: unknown) => {
        throw renameField(renameField(renameField(e, "input.values", "values"), "escrowRequestId", "escrow_request_id"), "inputSalt", "input_salt");
      });
      let record: ProofRecord | undefined;
      // Leave the caller's deadline some room to receive the answer.
      if (req.waitForProof) record = await waitFor(result.requestId, Math.max(0, Math.min(timeout, ctx.deadlineMs - 100)), req.waitForSettlement);
      return {
        requestId: result.requestId,
        modelId: result.modelId,
        output: result.output,
        inputCommitment: result.inputCommitment ?? "",
        outputSalt: result.outputSalt ?? "",
        inputSalt: result.inputSalt ?? "",
        escrowRequestId: result.escrowRequestId ?? "",
        nonce: result.nonce ?? "",
        ...readingMessage(result),
        warning: warningMessage(result.warning),
        proof: record ? proofMessage(record) : { requestId: result.requestId, modelId: result.modelId, status: statusEnum(result.proof.status), output: result.output, inputCommitment: result.inputCommitment ?? "" },
      };
    }),
    getProof: unary<Req, unknown>("GetProof", (req) => proofMessage(service.getProof(required(req.requestId, "request_id")))),
    commit: unary<Req, unknown>("Commit", async (req) => {
      const model = required(req.model, "model");
      const kind = req.kind === "INPUT_KIND_FLOAT" ? "float" : "int8";
      const r = await service.commit(model, { kind, values: req.values, inputSalt: req.inputSalt || undefined, strict: req.strict }).catch((e: unknown) => {
        throw renameField(renameField(e, "input.values", "values"), "inputSalt", "input_salt");
      });
      return { modelId: r.modelId, inputCommitment: r.inputCommitment, inputSalt: r.inputSalt ?? "", warning: warningMessage(r.warning) };
    }),
    waitForProof: unary<Req, unknown>("WaitForProof", async (req, ctx) => {
      const id = required(req.requestId, "request_id");
      const timeout = req.timeoutMs || o.defaultWaitMs;
      if (timeout > o.maxWaitMs) throw new ServiceError("INVALID_ARGUMENT", `timeout_ms: expected <= ${o.maxWaitMs}, got ${timeout}`, "timeout_ms");
      service.getProof(id);
      return proofMessage(await waitFor(id, Math.max(0, Math.min(timeout, ctx.deadlineMs - 100)), req.settlement === true));
    }),
    listProofs: unary<Req, unknown>("ListProofs", (req) => {
      const status = req.status && req.status !== "PROOF_STATUS_UNSPECIFIED" ? (String(req.status).replace("PROOF_STATUS_", "").toLowerCase() as ProofStatus) : undefined;
      const page = (() => {
        try {
          return service.listProofs({ limit: req.limit || undefined, cursor: req.cursor || undefined, status, model: req.model || undefined, escrowRequestId: req.escrowRequestId || undefined });
        } catch (e) {
          throw renameField(e, "escrowRequestId", "escrow_request_id");
        }
      })();
      return { proofs: page.proofs.map(proofMessage), nextCursor: page.nextCursor ?? "" };
    }),
    verify: unary<Req, unknown>("Verify", async (req) => {
      const model = required(req.model, "model");
      let proof: unknown;
      try {
        proof = JSON.parse(required(req.proofJson, "proof_json"));
      } catch (e) {
        if (e instanceof ServiceError) throw e;
        throw new ServiceError("INVALID_ARGUMENT", `proof_json: not valid JSON: ${(e as Error).message}`, "proof_json");
      }
      (req.publicSignals as string[]).forEach((s, i) => {
        if (!/^[0-9]{1,80}$/.test(s)) throw new ServiceError("INVALID_ARGUMENT", `public_signals[${i}]: expected a decimal field element`, `public_signals[${i}]`);
      });
      const r = await service.verify(model, proof, req.publicSignals, { nonce: req.nonce || undefined });
      return { valid: r.valid, reason: r.reason ?? "" };
    }),
    watchProof: (call: grpc.ServerWritableStream<Req, unknown>) => {
      const c = begin("WatchProof", call);
      let unsubscribe: (() => void) | undefined;
      let done = false;
      const stop = (code: grpc.status) => {
        if (done) return;
        done = true;
        unsubscribe?.();
        c.finish(code);
      };
      try {
        c.authorize();
        const id = required(call.request.requestId, "request_id");
        service.getProof(id);
        let last: string | undefined;
        call.on("cancelled", () => stop(grpc.status.CANCELLED));
        unsubscribe = service.watch(id, (r) => {
          const key = `${r.status}/${r.settlement?.status ?? ""}`;
          if (done || key === last) return;
          last = key;
          call.write(proofMessage(r));
          if (isFinal(r)) {
            // watch() may call back before it has returned the unsubscribe function.
            queueMicrotask(() => stop(grpc.status.OK));
            call.end();
          }
        });
      } catch (e) {
        done = true;
        call.emit("error", c.fail(e));
      }
    },
  };

  server.addService(loadInference().service, handlers);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${o.host}:${o.port}`, grpc.ServerCredentials.createInsecure(), (err, p) => {
      if (err) reject(new Error(`gRPC: cannot listen on ${o.host}:${o.port} (${err.message}); choose another port with the grpc.port option (ZKINFER_GRPC_PORT)`));
      else resolve(p);
    }),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 2000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      }),
  };
}
