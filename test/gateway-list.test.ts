/**
 * The job list over real HTTP and gRPC servers on loopback: GET /v1/proofs and gRPC ListProofs
 * newest first, paged by a cursor that neither repeats nor skips jobs arriving between pages,
 * filtered by status, model and escrow request (with a chain: gateway-settlement.test.ts), with
 * the records of GET /v1/proofs/{id}; bad queries name the parameter. And /openapi.json
 * documenting the new routes from the route table.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { status } from "@grpc/grpc-js";
import Database from "better-sqlite3";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { json, startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";
import { expectGrpcError, listAll } from "./helpers/gateway.ts";

const digits = testDigits(6).map((d) => d.pixels);
let s: TestServer;
let g: GrpcClient;
let url: string;

beforeAll(async () => {
  s = await startTestServer();
  url = s.url;
  g = grpcClient(s.edges.grpcAddress);
  // Six jobs, each proved before the list tests (so no status changes under them); then the third
  // marked failed in the store, for the status filter to tell them apart.
  const made: string[] = [];
  for (const x of digits) {
    const r = await post("/v1/models/digits-mlp/infer", { input: x });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await s.service.waitForProof(r.body.requestId, 120_000);
    made.push(r.body.requestId);
  }
  const h = new Database(s.config.dbPath);
  h.prepare("UPDATE jobs SET status = 'failed', error = 'marked failed by the test' WHERE request_id = ?").run(made[2]);
  h.close();
}, 300_000);
afterAll(async () => {
  g?.close();
  await s?.close();
});

const jobs = () => {
  const st = s.service.stats();
  return st.queued + st.proving + st.proved + st.failed;
};
const post = (p: string, body: unknown) => json(`${url}${p}`, { method: "POST", body });

describe("GET /v1/proofs and gRPC ListProofs", () => {
  const ids = (rs: { requestId: string }[]) => rs.map((r) => r.requestId);

  it("lists every job newest first, in pages that neither repeat nor skip while new jobs arrive", async () => {
    const all = await listAll(url);
    expect(all.length).toBe(jobs());
    expect(all.length).toBeGreaterThan(5);
    const seqOrder = [...all].sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    expect(ids(all)).toEqual(ids(seqOrder));
    const first = (await json(`${url}/v1/proofs?limit=2`)).body;
    expect(ids(first.proofs)).toEqual(ids(all.slice(0, 2)));
    expect(first.nextCursor).toMatch(/^\d+$/);
    const fresh = await post("/v1/models/digits-mlp/infer", { input: digits[2] });
    const rest: { requestId: string }[] = [];
    for (let cursor = first.nextCursor; cursor; ) {
      const page = (await json(`${url}/v1/proofs?limit=3&cursor=${cursor}`)).body;
      rest.push(...page.proofs);
      cursor = page.nextCursor;
    }
    expect([...ids(first.proofs), ...ids(rest)]).toEqual(ids(all));
    expect(ids(await listAll(url))[0]).toBe(fresh.body.requestId);
    await s.service.waitForProof(fresh.body.requestId, 120_000);
    // gRPC pages the same records.
    const gp = await g.unary("listProofs", { limit: 4 });
    expect(gp.proofs.map((p: { requestId: string }) => p.requestId)).toEqual(ids((await listAll(url)).slice(0, 4)));
    const gp2 = await g.unary("listProofs", { limit: 4, cursor: gp.nextCursor });
    expect(gp2.proofs.map((p: { requestId: string }) => p.requestId)).toEqual(ids((await listAll(url)).slice(4, 8)));
  });

  it("records are those of GET /v1/proofs/{id}", async () => {
    const all = await listAll(url);
    for (const r of all.slice(0, 8)) expect(r).toEqual((await json(`${url}/v1/proofs/${r.requestId}`)).body);
    const gp = await g.unary("listProofs", { limit: 3 });
    for (const r of gp.proofs) expect(r).toEqual(await g.unary("getProof", { requestId: r.requestId }));
  });

  it("filters by status, by model (name, id or CID) and by escrow request", async () => {
    const all = await listAll(url);
    expect(all.filter((r) => r.status === "failed")).toHaveLength(1);
    expect(ids(await listAll(url, "&status=failed"))).toEqual(ids(all.filter((r) => r.status === "failed")));
    const proved = await listAll(url, "&status=proved", 3);
    expect(ids(proved)).toEqual(ids(all.filter((r) => r.status === "proved")));
    expect(proved.length).toBe(s.service.stats().proved);
    const m = s.service.getModel("digits-mlp");
    const byName = await listAll(url, `&model=digits-mlp`);
    expect(byName.length).toBeGreaterThan(0);
    expect(ids(byName)).toEqual(ids(all.filter((r) => r.modelId === m.id)));
    expect(ids(await listAll(url, `&model=${m.id}`))).toEqual(ids(byName));
    expect(ids(await listAll(url, `&model=${m.cid}`))).toEqual(ids(byName));
    const both = await listAll(url, `&model=digits-mlp&status=proved`);
    expect(both.every((r) => r.modelName === "digits-mlp" && r.status === "proved")).toBe(true);
    // A model no longer served is still a filter by its id.
    expect(await listAll(url, `&model=${"ab".repeat(32)}`)).toEqual([]);
    expect(await listAll(url, "&escrowRequestId=1")).toEqual([]);
    const g1 = await g.unary("listProofs", { status: "PROOF_STATUS_PROVED", model: "digits-mlp", limit: 100 });
    expect(g1.proofs.map((p: { requestId: string }) => p.requestId)).toEqual(ids(byName.filter((r) => r.status === "proved")));
    expect(g1.nextCursor).toBe("");
  });

  it("a bad query is a 400 (unknown model a 404) naming the field; gRPC the same", async () => {
    for (const [q, field] of [["limit=0", "limit"], ["limit=101", "limit"], ["limit=x", "limit"], ["cursor=abc", "cursor"], ["cursor=0", "cursor"], ["status=done", "status"], ["escrowRequestId=-1", "escrowRequestId"]]) {
      const r = await json(`${url}/v1/proofs?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error, q).toMatchObject({ code: "INVALID_ARGUMENT", field });
    }
    const nf = await json(`${url}/v1/proofs?model=no-such-model`);
    expect(nf.status).toBe(404);
    expect(nf.body.error).toMatchObject({ code: "NOT_FOUND", field: "model" });
    await expectGrpcError(g.unary("listProofs", { limit: 101 }), status.INVALID_ARGUMENT, "limit");
    await expectGrpcError(g.unary("listProofs", { cursor: "x" }), status.INVALID_ARGUMENT, "cursor");
    await expectGrpcError(g.unary("listProofs", { escrowRequestId: "0x1" }), status.INVALID_ARGUMENT, "escrow_request_id");
    await expectGrpcError(g.unary("listProofs", { model: "no-such-model" }), status.NOT_FOUND, "model");
  });
});

describe("/openapi.json", () => {
  it("documents the new routes, parameters and fields from the route table", async () => {
    const doc = (await json(`${url}/openapi.json`)).body;
    const list = doc.paths["/v1/proofs"].get;
    expect(list.parameters.map((p: { name: string }) => p.name)).toEqual(["limit", "cursor", "status", "model", "escrowRequestId"]);
    expect(list.parameters[0].schema).toMatchObject({ minimum: 1, maximum: 100, default: 20 });
    const commit = doc.paths["/v1/models/{id}/commit"].post;
    expect(Object.keys(commit.requestBody.content["application/json"].schema.properties)).toEqual(["input", "kind", "inputSalt", "strict"]);
    const infer = doc.paths["/v1/models/{id}/infer"].post;
    expect(infer.parameters.find((p: { name: string }) => p.name === "wait").schema.enum).toEqual(["proof", "settlement"]);
    expect(Object.keys(infer.requestBody.content["application/json"].schema.properties)).toContain("strict");
    const schemas = doc.components.schemas;
    expect(Object.keys(schemas.InferResult.properties)).toEqual(expect.arrayContaining(["outputFloat", "argmax", "label", "warning"]));
    expect(Object.keys(schemas.ProofRecord.properties)).toEqual(expect.arrayContaining(["modelName", "setup", "settlement", "outputFloat", "argmax", "label"]));
    expect(Object.keys(schemas.Model.properties.input.properties)).toEqual(expect.arrayContaining(["floatRange", "preprocessing"]));
    expect(schemas.Model.properties.labels.type).toBe("array");
  });
});
