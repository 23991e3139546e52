/**
 * `npm start` restarted between two paid requests, on the same SQLite file. The embedded chain
 * lives in memory: the new one has the contracts at the same addresses and numbers escrow
 * requests from 1 again. The new request 1 must be accepted, proved and settled; the old
 * request 1's record must say its chain is gone (keeping its transaction hash); and an old
 * request left unsettled by the restart must fail as gone, never be sent to the new chain, even
 * when the new chain has a request with the same id for the same model and input (a bait).
 */
import Database from "better-sqlite3";
import { Contract, JsonRpcProvider, Wallet } from "ethers";
import { afterAll, expect, it } from "vitest";
import { inputCommitment } from "../prover/commitment.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { compileZkinfer } from "../verifier-contracts/contracts.ts";
import { grpcClient } from "../server/grpc/client.ts";
import type { ProofRecord } from "../server/core/types.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { freePort, killAll, listening, start, type Proc } from "./helpers/npm-start.ts";
import { pollProof, PRICE, settlementDone } from "./helpers/settlement-chain.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-restart-chain-");
const providers: JsonRpcProvider[] = [];
afterAll(async () => {
  for (const p of providers) p.destroy();
  killAll();
  tmp.remove();
  await terminateSnarkjsCurves();
});

/** The embedded chain as the banner of `npm start` describes it, with dev account #1 as client. */
function chainOf(p: Proc) {
  const err = p.stderr();
  const rpcUrl = /^chain (\S+) \(chain id \d+\): LOCAL/m.exec(err)![1];
  const escrowAddress = /InferenceEscrow (0x[0-9a-fA-F]{40})/.exec(err)![1];
  const operator = /; operator (0x[0-9a-fA-F]{40})/.exec(err)![1];
  const key = /dev account #1, key (0x[0-9a-fA-F]{64})/.exec(err)![1];
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });
  providers.push(provider);
  const escrow = new Contract(escrowAddress, compileZkinfer().InferenceEscrow.abi as never[], new Wallet(key, provider));
  return { rpcUrl, provider, escrow, operator };
}
type Chain = ReturnType<typeof chainOf>;

async function openRequest(c: Chain, modelId: string, pixels: number[]): Promise<bigint> {
  const now = (await c.provider.getBlock("latest"))!.timestamp;
  const tx = await c.escrow.getFunction("openRequest")(`0x${modelId}`, await inputCommitment(pixels), c.operator, BigInt(now + 3600), { value: PRICE });
  const rc = await tx.wait();
  for (const l of rc.logs) {
    const ev = c.escrow.interface.parseLog(l);
    if (ev?.name === "RequestOpened") return BigInt(ev.args.requestId);
  }
  throw new Error("no RequestOpened event");
}

const requestStatus = async (c: Chain, id: bigint) => Number((await c.escrow.getFunction("request")(id)).status);

it("restart of npm start between two paid requests: the new request 1 is settled, the old ones say their chain is gone, nothing is retried", async () => {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const dbPath = tmp.file("jobs.sqlite");
  const env = { ZKINFER_DB: dbPath, ZKINFER_HOST: "127.0.0.1", ZKINFER_HTTP_PORT: String(httpPort), ZKINFER_GRPC_PORT: String(grpcPort), ZKINFER_MODELS: "digits-mlp", ZKINFER_POOL_THREADS: "1" };
  const digits = testDigits(3).map((d) => d.pixels);
  const infer = (input: number[], escrowRequestId?: string) =>
    json(`${url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input, ...(escrowRequestId ? { escrowRequestId } : {}) } });

  // First run: request 1 paid, proved and settled.
  const first = start(env);
  await listening(first);
  const modelId = (await json(`${url}/v1/models/digits-mlp`)).body.id as string;
  const c1 = chainOf(first);
  expect(await openRequest(c1, modelId, digits[0])).toBe(1n);
  const a = await infer(digits[0], "1");
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  const aSettled = await pollProof(url, a.body.requestId, settlementDone, 60_000);
  // Paid in ETH (the zero address), the amount the request locked, and the gas of our settle().
  const paid = { token: "0x0000000000000000000000000000000000000000", amount: expect.stringMatching(/^[1-9]\d*$/), gasUsed: expect.stringMatching(/^[1-9]\d*$/) };
  expect(aSettled.settlement).toEqual({ status: "settled", txHash: expect.stringMatching(/^0x[0-9a-f]{64}$/), error: null, chainGone: false, ...paid });
  const oldTx = aSettled.settlement!.txHash!;

  // Request 2 paid, queued behind unpaid work, then the process killed: its settlement is pending.
  for (let i = 0; i < 24; i++) expect((await infer(digits[2])).status).toBe(200);
  expect(await openRequest(c1, modelId, digits[1])).toBe(2n);
  const b = await infer(digits[1], "2");
  expect(b.status, JSON.stringify(b.body)).toBe(200);
  first.child.kill("SIGKILL");
  await first.exited;
  const db = new Database(dbPath, { readonly: true });
  const atKill = db.prepare(`SELECT status, settlement_status, settlement_chain FROM jobs WHERE request_id = ?`).get(b.body.requestId) as Record<string, string>;
  db.close();
  expect(atKill).toMatchObject({ status: "queued", settlement_status: "pending" });
  const oldChain = atKill.settlement_chain;
  expect(oldChain).toMatch(new RegExp(`^31337/${(await c1.escrow.getAddress()).toLowerCase()}/0x[0-9a-f]{64}/0x[0-9a-f]{64}$`));

  // Second run: a fresh chain, the same contract addresses, request ids from 1 again.
  const second = start(env);
  await listening(second);
  const c2 = chainOf(second);
  expect(c2.rpcUrl).not.toBe(c1.rpcUrl);
  expect(await c2.escrow.getAddress()).toBe(await c1.escrow.getAddress());
  const nonce = await c2.provider.getTransactionCount(c2.operator);
  // The bait: request 2 on the new chain, for request 2's model and input, paying the operator.
  expect(await openRequest(c2, modelId, digits[2])).toBe(1n);
  expect(await openRequest(c2, modelId, digits[1])).toBe(2n);
  expect((await json(`${url}/v1/proofs/${b.body.requestId}`)).body.status).toBe("queued"); // the bait is in place before it is proved

  const cNew = await infer(digits[2], "1");
  expect(cNew.status, JSON.stringify(cNew.body)).toBe(200);
  const cSettled = await pollProof(url, cNew.body.requestId, settlementDone, 120_000);
  expect(cSettled).toMatchObject({ status: "proved", settlement: { status: "settled", error: null, chainGone: false } });
  expect((await c2.provider.getTransactionReceipt(cSettled.settlement!.txHash!))!.status).toBe(1);
  expect(await requestStatus(c2, 1n)).toBe(2); // Settled

  // The old request 1: settled on the gone chain; its hash is kept and names no transaction here.
  const aNow = (await json(`${url}/v1/proofs/${a.body.requestId}`)).body as ProofRecord;
  expect(aNow.settlement).toEqual({ status: "settled", txHash: oldTx, error: null, chainGone: true, ...paid });
  expect(await c2.provider.getTransaction(oldTx)).toBeNull();
  const g = grpcClient(`127.0.0.1:${grpcPort}`);
  expect((await g.unary("getProof", { requestId: a.body.requestId })).settlement).toEqual({ status: "settled", txHash: oldTx, error: "", chainGone: true, token: paid.token, amount: aNow.settlement!.amount, gasUsed: aNow.settlement!.gasUsed });
  g.close();
  // The old request 2: proved after the restart, its settlement failed as gone, nothing sent.
  const bNow = await pollProof(url, b.body.requestId, (r) => r.status === "proved");
  expect(bNow.settlement).toEqual({
    status: "failed", txHash: null, chainGone: true,
    error: `chain ${oldChain} is gone (the chain was restarted: its id and escrow address now answer with another instance); escrow request 2 cannot be settled there`,
  });
  expect(await requestStatus(c2, 2n)).toBe(1); // the bait is still Open
  expect(await c2.provider.getTransactionCount(c2.operator)).toBe(nonce + 1); // only the new request's settle()
  expect(second.stderr()).not.toMatch(/already being settled/);

  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
}, 600_000);
