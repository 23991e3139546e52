/**
 * The gRPC edge end to end: zkinfer.v1.Inference on the real service, driven by a real
 * @grpc/grpc-js client loaded from server/grpc/zkinfer.proto.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../prover/circom.ts";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Metadata, status } from "@grpc/grpc-js";
import { decodePublicSignals } from "../prover/prove.ts";
import { startEdges, type Edges } from "../server/start-edges.ts";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";

let s: TestServer;
let c: GrpcClient;
const [d0, d1] = testDigits(2);
const jobs = () => {
  const st = s.service.stats();
  return st.queued + st.proving + st.proved + st.failed;
};

beforeAll(async () => {
  s = await startTestServer();
  c = grpcClient(s.edges.grpcAddress);
});
afterAll(async () => {
  c?.close();
  await s?.close();
});

async function expectCode(p: Promise<unknown>, code: status, field?: string) {
  const err = await p.then(
    () => undefined,
    (e: { code: number; details: string; metadata: { get(k: string): unknown[] } }) => e,
  );
  expect(err, "the call should fail").toBeDefined();
  expect(status[err!.code]).toBe(status[code]);
  if (field) {
    expect(err!.details).toContain(field);
    expect(err!.metadata.get("error-field")).toEqual([field]);
  }
  expect(err!.metadata.get("x-request-id")[0]).toBeTruthy();
  return err!;
}

describe("gRPC", () => {
  it("ListModels and GetModel (with the verifying key)", async () => {
    const list = await c.unary("listModels", {});
    expect(list.models.map((m: { name: string }) => m.name)).toEqual(["digits-mlp"]);
    const m = await c.unary("getModel", { model: "digits-mlp", includeVkey: true });
    expect(m.input.shape).toEqual([1, 64]);
    expect(m.constraints).toBe(1507);
    expect(m.trusted).toBe(false);
    expect(m.setup).toMatchObject({ ptau: "dev", phase2: "setup", vkeyHash: m.vkeyHash });
    expect(m.setup.contributions.map((x: { kind: string }) => x.kind)).toEqual(["contribution", "beacon"]);
    expect(list.models[0]).toMatchObject({ trusted: false, setup: { ptau: "dev" } });
    expect(JSON.parse(m.vkeyJson).protocol).toBe("groth16");
    expect(list.models[0]).toMatchObject({ state: "ready", stateReason: "", cid: m.cid });
    expect(m.cid).toMatch(/^bafkrei/);
    expect((await c.unary("getModel", { model: m.cid })).id).toBe(m.id);
    // The card's architecture and test score, as GET /v1/models/{id} has them.
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "manifest.json"), "utf8"));
    expect(m.accuracy).toMatchObject({ integer: manifest.accuracy.integer, metric: "accuracy" });
    expect(m.architecture.ops.length).toBeGreaterThan(0);
    expect(m.architecture.ops).toEqual([...new Set(m.architecture.layers)]);
  });

  it("Infer with wait_for_proof: the output is the proven output; GetProof; Verify true, false when tampered", async () => {
    const model = await c.unary("getModel", { model: "digits-mlp" });
    const r = await c.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_INT8", values: d0.pixels, waitForProof: true, timeoutMs: 60_000 }, { deadlineMs: 90_000 });
    expect(r.proof.status).toBe("PROOF_STATUS_PROVED");
    const decoded = decodePublicSignals(r.proof.publicSignals, model.publicSignals);
    expect(decoded.output.map(Number)).toEqual(r.output);
    expect(decoded.inputCommitment?.toString()).toBe(r.inputCommitment);

    const rec = await c.unary("getProof", { requestId: r.requestId });
    expect(rec.status).toBe("PROOF_STATUS_PROVED");
    expect(rec.output).toEqual(r.output);
    expect(JSON.parse(rec.calldataJson)).toHaveLength(4);

    expect((await c.unary("verify", { model: "digits-mlp", proofJson: rec.proofJson, publicSignals: rec.publicSignals })).valid).toBe(true);
    const tampered = [...rec.publicSignals];
    tampered[2] = String(BigInt(tampered[2]) + 1n);
    expect((await c.unary("verify", { model: model.id, proofJson: rec.proofJson, publicSignals: tampered })).valid).toBe(false);
  });

  it("WatchProof streams each status once, ending with PROVED; the HTTP and gRPC outputs agree", async () => {
    const r = await c.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_FLOAT", values: d1.pixels.map((p) => p / 16) });
    expect(["PROOF_STATUS_QUEUED", "PROOF_STATUS_PROVING"]).toContain(r.proof.status);
    const seen: string[] = [];
    let last: any;
    for await (const rec of c.watch(r.requestId)) {
      seen.push(rec.status);
      last = rec;
    }
    expect(seen.at(-1)).toBe("PROOF_STATUS_PROVED");
    expect(new Set(seen).size).toBe(seen.length);
    expect(decodePublicSignals(last.publicSignals).output.map(Number)).toEqual(r.output);
    const http = await (await fetch(`${s.url}/v1/models/digits-mlp/infer`, { method: "POST", body: JSON.stringify({ input: d1.pixels }), headers: { "content-type": "application/json" } })).json();
    expect(http.output).toEqual(r.output);
  });

  it("bad input: INVALID_ARGUMENT / NOT_FOUND naming the field, and no job", async () => {
    const before = jobs();
    const px = [...d0.pixels];
    await expectCode(c.unary("infer", { model: "digits-mlp", values: px.slice(1) }), status.INVALID_ARGUMENT, "values");
    await expectCode(c.unary("infer", { model: "digits-mlp", values: px.map((v, i) => (i === 3 ? 1.5 : v)) }), status.INVALID_ARGUMENT, "values[3]");
    await expectCode(c.unary("infer", { model: "digits-mlp", values: px.map((v, i) => (i === 7 ? -129 : v)) }), status.INVALID_ARGUMENT, "values[7]");
    await expectCode(c.unary("infer", { model: "", values: px }), status.INVALID_ARGUMENT, "model");
    await expectCode(c.unary("infer", { model: "digits-mlp", values: px, waitForProof: true, timeoutMs: 10_000_000 }), status.INVALID_ARGUMENT, "timeout_ms");
    await expectCode(c.unary("infer", { model: "no-such-model", values: px }), status.NOT_FOUND);
    expect(jobs()).toBe(before);
    await expectCode(c.unary("getProof", { requestId: "no-such-request" }), status.NOT_FOUND);
    await expectCode(c.unary("getModel", { model: "no-such-model" }), status.NOT_FOUND);
    await expectCode(c.unary("verify", { model: "digits-mlp", proofJson: "{", publicSignals: [] }), status.INVALID_ARGUMENT, "proof_json");
    await expectCode(c.unary("verify", { model: "digits-mlp", proofJson: "{}", publicSignals: ["1", "-2"] }), status.INVALID_ARGUMENT, "public_signals[1]");
    // A stream's error arrives as the stream's status.
    await expectCode((async () => { for await (const _ of c.watch("no-such-request")) void _; })(), status.NOT_FOUND);
  });

  it("echoes x-request-id in the response metadata", async () => {
    const md = await new Promise<unknown[]>((resolve, reject) => {
      const m = new Metadata();
      m.set("x-request-id", "grpc-client-7");
      const call = c.raw.listModels({}, m, (err: Error | null) => err && reject(err));
      call.on("metadata", (x: { get(k: string): unknown[] }) => resolve(x.get("x-request-id")));
    });
    expect(md).toEqual(["grpc-client-7"]);
    expect(s.logs.find((l) => l.requestId === "grpc-client-7")).toMatchObject({ msg: "grpc call", method: "ListModels", code: "OK" });
  });

  describe("access (a second edge on the same service, keys on)", () => {
    let keyed: Edges;
    beforeAll(async () => {
      keyed = await startEdges(s.service, { ...s.config, http: { host: "127.0.0.1", port: 0 }, grpc: { host: "127.0.0.1", port: 0 }, apiKeys: ["g-key"], rateLimitPerMinute: 2 }, { log: () => {} });
    });
    afterAll(async () => {
      await keyed?.close();
    });

    it("UNAUTHENTICATED without a key or with a wrong one; RESOURCE_EXHAUSTED with retry-after past the rate limit", async () => {
      const anon = grpcClient(keyed.grpcAddress);
      const wrong = grpcClient(keyed.grpcAddress, { apiKey: "nope" });
      const good = grpcClient(keyed.grpcAddress, { apiKey: "g-key" });
      try {
        await expectCode(anon.unary("listModels", {}), status.UNAUTHENTICATED, "authorization");
        await expectCode(wrong.unary("listModels", {}), status.UNAUTHENTICATED, "authorization");
        await good.unary("listModels", {});
        await good.unary("listModels", {}, { metadata: { "x-api-key": "g-key" } });
        const e = await expectCode(good.unary("listModels", {}), status.RESOURCE_EXHAUSTED);
        expect(Number(e.metadata.get("retry-after")[0])).toBeGreaterThanOrEqual(1);
      } finally {
        anon.close();
        wrong.close();
        good.close();
      }
    });
  });
});
