/**
 * Paying for a proof without reading Solidity or wasting one, on a real local chain with real
 * digits-mlp proofs: the client learns the input commitment from POST /v1/models/{id}/commit
 * (no job), opens the escrow request on it, and infer?wait=settlement (gRPC Infer with
 * wait_for_settlement, or WaitForProof with settlement) answers once the request is settled, with
 * the settlement in the answer; the job is found by GET /v1/proofs?escrowRequestId=; the event
 * stream goes on past `proved` until the settlement is final.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, readSse, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { listAll } from "./helpers/gateway.ts";
import { openRequest, settledEvents, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";

const tmp = makeTempDir("zkinfer-gw-settle-");
const digits = testDigits(5).map((d) => d.pixels);
let p: PayChain;
let server: PayServer;
let g: GrpcClient;
let modelId: string;

beforeAll(async () => {
  p = await startPayChain();
  server = await startPayServer(p, tmp.file("jobs.sqlite"));
  g = grpcClient(server.edges.grpcAddress);
  modelId = server.service.getModel("digits-mlp").id;
}, 300_000);
afterAll(async () => {
  g?.close();
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

/** The commitment from the server, no job: what the escrow request must name. */
async function commitment(x: number[]): Promise<bigint> {
  const c = await json(`${server.url}/v1/models/digits-mlp/commit`, { method: "POST", body: { input: x } });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  return BigInt(c.body.inputCommitment);
}

describe("waiting for the settlement", () => {
  it("commit → open the request on it → infer?wait=settlement answers settled, with the transaction; no job before infer", async () => {
    const before = await listAll(server.url);
    const id = await openRequest(p, modelId, digits[0], { commitment: await commitment(digits[0]) });
    expect(await listAll(server.url)).toEqual(before);
    const r = await json(`${server.url}/v1/models/digits-mlp/infer?wait=settlement&timeout=120000`, { method: "POST", body: { input: digits[0], escrowRequestId: String(id) } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.proof.status).toBe("proved");
    expect(r.body.proof.settlement).toMatchObject({ status: "settled", error: null });
    expect(await settledEvents(p, id)).toEqual([r.body.proof.settlement.txHash]);
    const rec = (await json(`${server.url}/v1/proofs/${r.body.requestId}`)).body;
    expect(rec).toMatchObject({ modelId, modelName: "digits-mlp", escrowRequestId: String(id), settlement: { status: "settled" }, setup: { trusted: false } });
    const listed = await listAll(server.url, `&escrowRequestId=${id}`);
    expect(listed.map((j) => j.requestId)).toEqual([r.body.requestId]);
    // The same id with leading zeros names the same request.
    expect((await listAll(server.url, `&escrowRequestId=000${id}`)).map((j) => j.requestId)).toEqual([r.body.requestId]);
  });

  it("a wait that runs out answers 202 with the current proof and settlement", async () => {
    const id = await openRequest(p, modelId, digits[1]);
    const r = await json(`${server.url}/v1/models/digits-mlp/infer?wait=settlement&timeout=0`, { method: "POST", body: { input: digits[1], escrowRequestId: String(id) } });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(["queued", "proving"]).toContain(r.body.proof.status);
    expect(r.body.proof.settlement).toMatchObject({ status: "pending", txHash: null });
    // The event stream goes on past proved until the settlement is final.
    const events = await readSse(`${server.url}/v1/proofs/${r.body.requestId}/events`);
    const last = events.at(-1)!.data;
    expect(last.status).toBe("proved");
    expect(last.settlement.status).toBe("settled");
    const steps = events.map((e) => `${e.data.status}/${e.data.settlement.status}`);
    expect(new Set(steps).size).toBe(steps.length);
    expect(steps).toContain("proved/pending");
  });

  it("gRPC: Infer with wait_for_settlement, and WaitForProof with settlement, answer settled", async () => {
    const id = await openRequest(p, modelId, digits[2]);
    const r = await g.unary("infer", { model: "digits-mlp", values: digits[2], escrowRequestId: String(id), waitForProof: true, waitForSettlement: true, timeoutMs: 120_000 }, { deadlineMs: 150_000 });
    expect(r.proof.status).toBe("PROOF_STATUS_PROVED");
    expect(r.proof.settlement).toMatchObject({ status: "settled" });
    expect(r.proof).toMatchObject({ modelName: "digits-mlp", setup: { trusted: false, vkeyHash: server.service.getModel("digits-mlp").vkeyHash } });
    const id2 = await openRequest(p, modelId, digits[3]);
    const r2 = await g.unary("infer", { model: "digits-mlp", values: digits[3], escrowRequestId: String(id2) });
    const rec = await g.unary("waitForProof", { requestId: r2.requestId, timeoutMs: 120_000, settlement: true }, { deadlineMs: 150_000 });
    expect(rec.settlement).toMatchObject({ status: "settled" });
    expect(await settledEvents(p, id2)).toEqual([rec.settlement.txHash]);
    const page = await g.unary("listProofs", { escrowRequestId: String(id2) });
    expect(page.proofs.map((x: { requestId: string }) => x.requestId)).toEqual([r2.requestId]);
  });
});
