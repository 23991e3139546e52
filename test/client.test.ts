/**
 * The TypeScript client (client/) against the real gateway settling on a real local chain, with
 * real digits-mlp proofs: chain discovery (HTTP and gRPC), inference, the proof awaited by
 * events and by polling, local verification (and what it catches in a doctored record), the
 * commitment computed client-side, and a paid inference followed to its settlement receipt.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";
import { grpcClient } from "../server/grpc/client.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { ZkinferClient, ZkinferClientError, type ProofRecord } from "../client/index.ts";

const tmp = makeTempDir("zkinfer-client-");
const digits = testDigits(4).map((d) => Array.from(d.pixels));
let p: PayChain;
let server: PayServer;
let zk: ZkinferClient;
let proved: ProofRecord;

beforeAll(async () => {
  p = await startPayChain();
  server = await startPayServer(p, tmp.file("jobs.sqlite"), { oracle: await p.oracle.getAddress() });
  zk = new ZkinferClient({ baseUrl: server.url });
}, 300_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

describe("chain discovery", () => {
  it("GET /v1/chain names the chain, the server's RPC URL, contracts, operator, and each model's verifier and price", async () => {
    const r = await json(`${server.url}/v1/chain`);
    expect(r.status).toBe(200);
    const m = server.service.getModel("digits-mlp");
    const onChain = await p.registry.getFunction("model")(`0x${m.id}`);
    expect(r.body).toEqual({
      chainId: 31337,
      rpcUrl: p.relay.url,
      operator: p.operator.address,
      contracts: { registry: await p.registry.getAddress(), escrow: await p.escrow.getAddress(), oracle: await p.oracle.getAddress() },
      models: [{ id: m.id, name: "digits-mlp", verifier: onChain.verifier, payment: (await json(`${server.url}/v1/models/digits-mlp/price`)).body }],
    });
    expect(await zk.chain()).toEqual(r.body);
    const doc = (await json(`${server.url}/openapi.json`)).body;
    expect(doc.paths["/v1/chain"].get.responses["200"].content["application/json"].schema.properties.contracts.required).toEqual(["registry", "escrow", "oracle"]);
  });

  it("gRPC GetChain carries the same fields", async () => {
    const c = grpcClient(server.edges.grpcAddress);
    try {
      const g = await c.unary("getChain", {});
      const h = await zk.chain();
      expect({ chainId: g.chainId, rpcUrl: g.rpcUrl, operator: g.operator, contracts: g.contracts }).toEqual({ chainId: h.chainId, rpcUrl: h.rpcUrl, operator: h.operator, contracts: h.contracts });
      expect(g.models.map((x: { id: string; name: string; verifier: string; payment: { ethMinPriceWei: string } }) => [x.id, x.name, x.verifier, x.payment.ethMinPriceWei]))
        .toEqual(h.models.map((x) => [x.id, x.name, x.verifier, x.payment.accepted.eth?.minPriceWei]));
    } finally {
      c.close();
    }
  });
});

describe("ZkinferClient", () => {
  it("lists the models and reads a card, by name and by id", async () => {
    const listed = await zk.models();
    expect(listed.map((m) => [m.name, m.state])).toEqual([["digits-mlp", "ready"]]);
    const card = await zk.model("digits-mlp");
    expect(await zk.model(card.id)).toEqual(card);
    const e = await zk.model("no-such-model").catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ZkinferClientError);
    expect(e).toMatchObject({ code: "HTTP", http: { status: 404, code: "NOT_FOUND" } });
  });

  it("computes the input commitment the server computes, without a job", async () => {
    const r = await zk.infer("digits-mlp", digits[0]);
    expect((await zk.commitInput("digits-mlp", digits[0])).inputCommitment).toBe(r.inputCommitment);
    proved = await zk.waitForProof(r.requestId, { timeoutMs: 60_000 });
    expect(proved).toMatchObject({ status: "proved", requestId: r.requestId, output: r.output });
  });

  it("waits on the event stream when it is there: no polling", async () => {
    const seen: string[] = [];
    const watched = new ZkinferClient({ baseUrl: server.url, fetch: (url, init) => (seen.push(new URL(url).pathname), fetch(url, init)) });
    const r = await watched.infer("digits-mlp", digits[0]);
    const rec = await watched.waitForProof(r.requestId, { timeoutMs: 60_000, pollMs: 10 });
    expect(rec).toMatchObject({ status: "proved", requestId: r.requestId });
    expect(seen).toEqual(["/v1/models/digits-mlp/infer", `/v1/proofs/${r.requestId}/events`]);
  });

  it("waits by polling when the event stream is unavailable (a proxy answering it with 502)", async () => {
    const seen: string[] = [];
    const proxy = (url: string, init?: RequestInit) => {
      seen.push(new URL(url).pathname);
      return url.endsWith("/events") ? Promise.resolve(new Response("bad gateway", { status: 502 })) : fetch(url, init);
    };
    const viaProxy = new ZkinferClient({ baseUrl: server.url, fetch: proxy });
    const r = await viaProxy.infer("digits-mlp", digits[1]);
    const rec = await viaProxy.waitForProof(r.requestId, { timeoutMs: 60_000, pollMs: 100 });
    expect(rec.status).toBe("proved");
    expect(seen).toContain(`/v1/proofs/${r.requestId}/events`);
    expect(seen.filter((s) => s === `/v1/proofs/${r.requestId}`).length).toBeGreaterThanOrEqual(1);
  });

  it("gives up with TIMEOUT naming the request and its status", async () => {
    const r = await zk.infer("digits-mlp", digits[2]);
    const e = await zk.waitForProof(r.requestId, { timeoutMs: 1, sse: false }).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: "TIMEOUT", field: "timeoutMs" });
    expect((e as Error).message).toMatch(new RegExp(`request ${r.requestId}: no proof within 1 ms \\(proof (queued|proving)`));
    await zk.waitForProof(r.requestId, { timeoutMs: 60_000 });
  });

  it("refuses to wait for the settlement of a request that has no escrow request, once its proof is done", async () => {
    const r = await zk.infer("digits-mlp", digits[2]);
    for (const sse of [true, false]) {
      const e = await zk.waitForSettlement(r.requestId, { timeoutMs: 60_000, pollMs: 100, sse }).catch((x: unknown) => x);
      expect(e).toMatchObject({ code: "INVALID_ARGUMENT", field: "requestId" });
      expect((e as Error).message).toBe(`requestId: request ${r.requestId} has no escrow request, so no settlement to wait for`);
    }
  });

  it("verifies a proof locally: every check passes on the record as served", async () => {
    const v = await zk.verifyLocally(proved, "digits-mlp");
    expect(v.reason).toBeUndefined();
    expect(v.valid).toBe(true);
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([["vkeyHash", true], ["modelId", true], ["signals", true], ["inputCommitment", true], ["output", true], ["groth16", true]]);
    expect(v.trusted).toBe(false); // the development setup, and the verdict says so
    expect((await zk.verifyLocally({ proof: proved.proof, publicSignals: proved.publicSignals }, "digits-mlp")).valid).toBe(true);
  });

  it("catches a doctored record: another output, another model, another input commitment, a forged signal, a card with another key", async () => {
    const card = await zk.model("digits-mlp");
    const verdict = (rec: ProofRecord, c = card) => zk.verifyLocally(rec, c);
    const out = [...proved.output];
    out[0] = out[0]! + 1;
    expect((await verdict({ ...proved, output: out })).reason).toMatch(/^output: proof's outputs \[/);
    expect((await verdict({ ...proved, modelId: "ab".repeat(32) })).reason).toMatch(/^modelId: record is for model abab/);
    expect((await verdict({ ...proved, inputCommitment: "1" })).reason).toMatch(/^inputCommitment: proof's inputCommitment \d+, record's 1$/);
    const signals = [...proved.publicSignals!];
    signals[0] = "1";
    const forged = await verdict({ ...proved, inputCommitment: "1", publicSignals: signals });
    expect(forged.valid).toBe(false);
    expect(forged.checks.find((c) => c.name === "groth16")!.ok).toBe(false);
    expect((await verdict(proved, { ...card, vkeyHash: "00".repeat(32) })).reason).toMatch(/^vkeyHash: verifying key sha256 [0-9a-f]{64}, card of digits-mlp says 0{64}$/);
    await expect(verdict({ ...proved, publicSignals: [...signals.slice(1), "x"] })).rejects.toThrow(/publicSignals\[10\]/);
  });

  it("pays for a proof: opens the escrow request, infers with it, and returns the settlement receipt", async () => {
    const before = await p.chain.provider.getBalance(p.operator.address);
    const seen: string[] = [];
    const watched = new ZkinferClient({ baseUrl: server.url, fetch: (url, init) => (seen.push(new URL(url).pathname), fetch(url, init)) });
    const paid = await watched.inferPaid({ signer: p.client, modelId: "digits-mlp", input: digits[3], wait: { timeoutMs: 60_000 } });
    expect(paid.record.settlement).toMatchObject({ status: "settled", error: null, txHash: paid.receipt.hash });
    // The proof and then the settlement came from the event stream: the record was never polled.
    expect(seen.filter((s) => s === `/v1/proofs/${paid.result.requestId}/events`)).toHaveLength(2);
    expect(seen).not.toContain(`/v1/proofs/${paid.result.requestId}`);
    expect(paid.receipt.status).toBe(1);
    expect(paid.result.escrowRequestId).toBe(paid.request.requestId);
    expect(paid.record.output).toEqual(paid.result.output);
    expect(Number((await p.escrow.getFunction("request")(BigInt(paid.request.requestId))).status)).toBe(2); // Settled
    // A settled request's slots are cleared: what was opened is in the RequestOpened event.
    const opened = paid.request.receipt.logs.map((l) => p.escrow.interface.parseLog(l)).find((e) => e?.name === "RequestOpened")!;
    expect([String(opened.args.requestId), opened.args.client, opened.args.operator, String(opened.args.inputCommitment), opened.args.price, opened.args.deadline])
      .toEqual([paid.request.requestId, p.client.address, p.operator.address, paid.request.inputCommitment, paid.request.price, paid.request.deadline]);
    expect(paid.request.price).toBe(BigInt(server.service.getPrice("digits-mlp").accepted.eth!.minPriceWei));
    const after = await p.chain.provider.getBalance(p.operator.address);
    expect(after - before).toBe(paid.request.price - paid.receipt.gasUsed * paid.receipt.gasPrice);
    expect((await zk.verifyLocally(paid.record, "digits-mlp")).valid).toBe(true);
  });
});
