/**
 * A published proof cannot be turned against its operator, through the real server on a real
 * local chain. The server publishes every proof (GET /v1/proofs) and its settle() sits in the
 * mempool, so a client can read it and race the operator: (1) settle a 1-wei request of its own
 * (same input commitment, itself as operator) with the operator's proof, which with a replay
 * map made the operator's settle() revert and let the client refund the real request; (2) send
 * the operator's own proof to the real request first. Both end with the operator paid, and in
 * (2) the server records the request settled (by the client's transaction), not failed.
 */
import type { Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputCommitment } from "../prover/commitment.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { settleArgs } from "../verifier-contracts/contracts.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { openRequest, pollProof, PRICE, settledEvents, settlementDone, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";

const tmp = makeTempDir("zkinfer-frontrun-");
const digits = testDigits(2).map((d) => d.pixels);
let p: PayChain;
let server: PayServer;
let modelId: string;

beforeAll(async () => {
  p = await startPayChain();
  server = await startPayServer(p, tmp.file("jobs.sqlite"));
  modelId = server.service.getModel("digits-mlp").id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

/** Opens as the client a 1-wei request on `pixels`' commitment naming the client itself operator. */
async function selfRequest(pixels: number[]): Promise<bigint> {
  const escrow = p.escrow.connect(p.client) as Contract;
  const now = (await p.chain.provider.getBlock("latest"))!.timestamp;
  const rc = await (await escrow.getFunction("openRequest")(`0x${modelId}`, await inputCommitment(pixels), p.client.address, BigInt(now + 3600), { value: 1n })).wait();
  return BigInt(escrow.interface.parseLog(rc.logs[0])!.args.requestId);
}

/**
 * Infers with request `id` while blocks are mined by hand: returns once the server's settle() is
 * in the mempool, after `race` sent the client's transaction (with a higher tip, so it is mined
 * first) using the proof the server published; then mines one block with both.
 */
async function raceOperator(pixels: number[], id: bigint, race: (proof: ReturnType<typeof settleArgs>) => Promise<string>) {
  await p.chain.provider.send("evm_setAutomine", [false]);
  try {
    const r = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: pixels, escrowRequestId: String(id) } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const submitted = await pollProof(server.url, r.body.requestId, (x) => x.settlement?.status === "submitted");
    const published = (await json(`${server.url}/v1/proofs/${r.body.requestId}`)).body;
    const theirs = await race(settleArgs(published.proof, published.publicSignals));
    await p.chain.provider.send("evm_mine", []);
    return { jobId: r.body.requestId as string, ours: submitted.settlement!.txHash!, theirs };
  } finally {
    await p.chain.provider.send("evm_setAutomine", [true]);
  }
}

const tip = { maxPriorityFeePerGas: 50n * 10n ** 9n, maxFeePerGas: 100n * 10n ** 9n, gasLimit: 1_000_000n };

describe("a published proof raced against its operator", () => {
  it("settling the client's own 1-wei request with the operator's proof does not stop the operator being paid", async () => {
    const a = await openRequest(p, modelId, digits[0]);
    const b = await selfRequest(digits[0]);
    const before = await p.chain.provider.getBalance(p.operator.address);
    const escrow = p.escrow.connect(p.client) as Contract;
    const { jobId, ours, theirs } = await raceOperator(digits[0], a, async (args) => (await escrow.getFunction("settle")(b, ...args, tip)).hash);
    const [mine, stolen] = await Promise.all([p.chain.provider.getTransactionReceipt(ours), p.chain.provider.getTransactionReceipt(theirs)]);
    expect(stolen!.status).toBe(1);
    expect(mine!.status).toBe(1);
    expect(stolen!.blockNumber).toBe(mine!.blockNumber);
    expect(stolen!.index).toBeLessThan(mine!.index); // the client's went first
    const rec = await pollProof(server.url, jobId, settlementDone);
    expect(rec.settlement).toMatchObject({ status: "settled", txHash: ours, error: null });
    const after = await p.chain.provider.getBalance(p.operator.address);
    expect(after - before).toBe(PRICE - mine!.gasUsed * mine!.gasPrice);
  });

  it("front-running the operator's settle() with its own proof pays the operator; the server records the request settled", async () => {
    const a = await openRequest(p, modelId, digits[1]);
    const before = await p.chain.provider.getBalance(p.operator.address);
    const escrow = p.escrow.connect(p.client) as Contract;
    const { jobId, ours, theirs } = await raceOperator(digits[1], a, async (args) => (await escrow.getFunction("settle")(a, ...args, tip)).hash);
    const [mine, first] = await Promise.all([p.chain.provider.getTransactionReceipt(ours), p.chain.provider.getTransactionReceipt(theirs)]);
    expect(first!.status).toBe(1);
    expect(mine!.status).toBe(0); // RequestAlreadySettled
    const rec = await pollProof(server.url, jobId, settlementDone);
    expect(rec.settlement).toMatchObject({ status: "settled", txHash: theirs, error: null });
    expect(await settledEvents(p, a)).toEqual([theirs]);
    const after = await p.chain.provider.getBalance(p.operator.address);
    expect(after - before).toBe(PRICE - mine!.gasUsed * mine!.gasPrice);
  });
});
