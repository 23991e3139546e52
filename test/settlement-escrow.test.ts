/**
 * Pay-per-proof through the real server, on a real local chain with real digits-mlp proofs:
 * a client opens an ETH escrow request, calls infer with its escrowRequestId, the job is proved
 * and settled and the operator paid; an RPC outage is retried without a second settlement; a
 * request for another input is refused at infer, before anything is stored; a restart mid-settlement (the transaction
 * recorded, then dropped from the node's mempool) re-sends the very same transaction.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { json, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { openRequest, pollProof, PRICE, settledEvents, settlementDone, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";

const tmp = makeTempDir("zkinfer-settlement-");
const dbPath = tmp.file("jobs.sqlite");
const digits = testDigits(6).map((d) => d.pixels);
let p: PayChain;
let server: PayServer;
let modelId: string;

beforeAll(async () => {
  p = await startPayChain();
  server = await startPayServer(p, dbPath);
  modelId = server.service.getModel("digits-mlp").id;
});

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

const infer = (url: string, input: number[], escrowRequestId?: unknown) =>
  json(`${url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input, ...(escrowRequestId === undefined ? {} : { escrowRequestId }) } });

describe("settlement through the server", () => {
  it("registers the served model at start and shows its verifier", async () => {
    const m = (await json(`${server.url}/v1/models/digits-mlp`)).body;
    const onChain = await p.registry.getFunction("model")(`0x${modelId}`);
    expect(m.verifierAddress).toBe(onChain.verifier);
  });

  it("settles a paid request once proved: the operator is paid and the transaction recorded", async () => {
    const id = await openRequest(p, modelId, digits[0]);
    const before = await p.chain.provider.getBalance(p.operator.address);
    const r = await infer(server.url, digits[0], String(id));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.escrowRequestId).toBe(String(id));
    const rec = await pollProof(server.url, r.body.requestId, settlementDone);
    expect(rec.settlement).toMatchObject({ status: "settled", error: null });
    const receipt = (await p.chain.provider.getTransactionReceipt(rec.settlement!.txHash!))!;
    expect(receipt.status).toBe(1);
    // The record says what was paid and what it cost, as the chain does.
    expect(rec.settlement).toMatchObject({ token: "0x0000000000000000000000000000000000000000", amount: PRICE.toString(), gasUsed: receipt.gasUsed.toString() });
    expect(await settledEvents(p, id)).toEqual([rec.settlement!.txHash]);
    const req = await p.escrow.getFunction("request")(id);
    expect(Number(req.status)).toBe(2); // Settled
    const after = await p.chain.provider.getBalance(p.operator.address);
    expect(after - before).toBe(PRICE - receipt.gasUsed * receipt.gasPrice);
  });

  it("refuses a request opened for another input at infer (409), before anything is stored; nothing is sent", async () => {
    const id = await openRequest(p, modelId, digits[1]);
    const nonce = await p.chain.provider.getTransactionCount(p.operator.address);
    const jobs = server.service.stats();
    const r = await infer(server.url, digits[2], id.toString());
    expect(r.status).toBe(409);
    expect(r.body.error).toMatchObject({ code: "CONFLICT", field: "escrowRequestId" });
    expect(r.body.error.message).toMatch(new RegExp(`escrow request ${id} is for input commitment \\d+, but this input commits to \\d+`));
    expect(server.service.stats()).toEqual(jobs);
    expect(await p.chain.provider.getTransactionCount(p.operator.address)).toBe(nonce);
    expect(Number((await p.escrow.getFunction("request")(id)).status)).toBe(1); // still Open: the client can be refunded
  });

  it("refuses a bad escrowRequestId with 400 naming the field, and one already taken", async () => {
    const bad = await infer(server.url, digits[0], "12x");
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: "INVALID_ARGUMENT", field: "escrowRequestId" });
    const id = await openRequest(p, modelId, digits[3]);
    const first = await infer(server.url, digits[3], Number(id));
    expect(first.status).toBe(200);
    const again = await infer(server.url, digits[3], String(id));
    expect(again.status).toBe(400);
    expect(again.body.error.message).toContain(`already being settled by request ${first.body.requestId}`);
    await pollProof(server.url, first.body.requestId, settlementDone);
  });

  it("retries while the RPC endpoint refuses connections, then settles exactly once", async () => {
    const id = await openRequest(p, modelId, digits[4]);
    // Admission reads the chain, so the outage starts once infer has answered (the proof takes longer).
    const r = await infer(server.url, digits[4], String(id));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await p.relay.down();
    const failing = await pollProof(server.url, r.body.requestId, (x) => /ECONNREFUSED/.test(x.settlement?.error ?? ""));
    expect(failing.status).toBe("proved");
    expect(failing.settlement!.status).toBe("pending");
    await p.relay.up();
    const rec = await pollProof(server.url, r.body.requestId, settlementDone);
    expect(rec.settlement!.status).toBe("settled");
    expect(await settledEvents(p, id)).toEqual([rec.settlement!.txHash]);
  });

  it("a restart mid-settlement re-sends the recorded transaction, never a second one", async () => {
    const id = await openRequest(p, modelId, digits[5]);
    const nonce = await p.chain.provider.getTransactionCount(p.operator.address);
    await p.chain.provider.send("evm_setAutomine", [false]);
    let txHash: string;
    let jobId: string;
    try {
      const r = await infer(server.url, digits[5], String(id));
      jobId = r.body.requestId;
      const submitted = await pollProof(server.url, jobId, (x) => x.settlement?.status === "submitted");
      txHash = submitted.settlement!.txHash!;
      // The hash is recorded before the broadcast (so a crash in between re-sends it): wait for
      // the broadcast to reach the node's mempool.
      const deadline = Date.now() + 30_000;
      while (!(await p.chain.provider.getTransaction(txHash)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await p.chain.provider.getTransaction(txHash)).not.toBeNull(); // in the mempool
      await server.close(); // the wait for the receipt is abandoned; the hash stays recorded
      // Worst case for the next start: the node forgot the transaction.
      await p.chain.provider.send("hardhat_dropTransaction", [txHash]);
      expect(await p.chain.provider.getTransaction(txHash)).toBeNull();
    } finally {
      await p.chain.provider.send("evm_setAutomine", [true]);
    }
    server = await startPayServer(p, dbPath);
    const rec = await pollProof(server.url, jobId, settlementDone);
    expect(rec.settlement).toMatchObject({ status: "settled", txHash });
    expect(await settledEvents(p, id)).toEqual([txHash]);
    expect(await p.chain.provider.getTransactionCount(p.operator.address)).toBe(nonce + 1);
  });
});
