/**
 * A small promise-based client of zkinfer.v1.Inference, for tests and scripts.
 *
 * @example
 *   const c = grpcClient("127.0.0.1:50051", { apiKey: "k1" });
 *   const r = await c.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_INT8", values: pixels, waitForProof: true });
 *   for await (const rec of c.watch(r.requestId)) console.log(rec.status);
 *   c.close();
 */
import * as grpc from "@grpc/grpc-js";
import { loadInference } from "./proto.ts";

export interface GrpcClient {
  raw: grpc.Client & Record<string, any>;
  /** A unary call by its JavaScript method name (listModels, getModel, getPrice, getChain, infer, commit, getProof, waitForProof, listProofs, verify). */
  unary<T = any>(method: string, request: object, options?: { deadlineMs?: number; metadata?: Record<string, string> }): Promise<T>;
  /** The WatchProof stream as an async iterable. */
  watch<T = any>(requestId: string): AsyncIterable<T>;
  close(): void;
}

export function grpcClient(address: string, o: { apiKey?: string } = {}): GrpcClient {
  const Ctor = loadInference();
  const raw = new Ctor(address, grpc.credentials.createInsecure()) as grpc.Client & Record<string, any>;
  const metadata = (extra: Record<string, string> = {}) => {
    const md = new grpc.Metadata();
    if (o.apiKey) md.set("authorization", `Bearer ${o.apiKey}`);
    for (const [k, v] of Object.entries(extra)) md.set(k, v);
    return md;
  };
  return {
    raw,
    unary: (method, request, opts = {}) =>
      new Promise((resolve, reject) => {
        const callOpts = opts.deadlineMs ? { deadline: Date.now() + opts.deadlineMs } : {};
        raw[method](request, metadata(opts.metadata), callOpts, (err: grpc.ServiceError | null, res: any) => (err ? reject(err) : resolve(res)));
      }),
    watch: (requestId) => raw.watchProof({ requestId }, metadata()) as AsyncIterable<any>,
    close: () => raw.close(),
  };
}
