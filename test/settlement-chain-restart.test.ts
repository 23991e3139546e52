/**
 * An external development chain restarted under the gateway (a Hardhat node stopped and started
 * again, the contracts redeployed at the same addresses): the rows of the first instance say
 * their chain is gone, and the second instance's request 1 is accepted and settled. The chain
 * key is the genesis hash plus Hardhat's per-start instanceId, read from the node itself.
 */
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { openRequest, pollProof, settlementDone, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";

const tmp = makeTempDir("zkinfer-chain-restart-");
const open: { chain?: PayChain; server?: PayServer } = {};
afterAll(async () => {
  await open.server?.close();
  await open.chain?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

it("an external dev chain restarted under the gateway: the new request 1 is settled, the old one's record says its chain is gone", async () => {
  const dbPath = tmp.file("jobs.sqlite");
  const [x, y] = testDigits(2).map((d) => d.pixels);
  const paid = async (p: PayChain, s: PayServer, pixels: number[]) => {
    const modelId = s.service.getModel("digits-mlp").id;
    const id = await openRequest(p, modelId, pixels);
    const r = await json(`${s.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: pixels, escrowRequestId: String(id) } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return { id, requestId: r.body.requestId as string, rec: await pollProof(s.url, r.body.requestId, settlementDone, 60_000) };
  };
  const chainKey = (requestId: string) => {
    const db = new Database(dbPath, { readonly: true });
    const r = db.prepare(`SELECT settlement_chain FROM jobs WHERE request_id = ?`).get(requestId) as { settlement_chain: string };
    db.close();
    return r.settlement_chain;
  };

  open.chain = await startPayChain();
  open.server = await startPayServer(open.chain, dbPath);
  const escrow = await open.chain.escrow.getAddress();
  const genesis = (await open.chain.chain.provider.getBlock(0))!.hash!;
  const meta = await open.chain.chain.provider.send("hardhat_metadata", []);
  const a = await paid(open.chain, open.server, x);
  expect(a.id).toBe(1n);
  expect(a.rec.settlement).toMatchObject({ status: "settled", chainGone: false });
  expect(chainKey(a.requestId)).toBe(`31337/${escrow.toLowerCase()}/${genesis}/${meta.instanceId}`);
  await open.server.close();
  await open.chain.stop();

  open.chain = await startPayChain();
  expect(await open.chain.escrow.getAddress()).toBe(escrow);
  open.server = await startPayServer(open.chain, dbPath);
  const b = await paid(open.chain, open.server, y);
  expect(b.id).toBe(1n);
  expect(b.rec.settlement).toMatchObject({ status: "settled", error: null, chainGone: false });
  expect(chainKey(b.requestId)).not.toBe(chainKey(a.requestId));
  expect((await json(`${open.server.url}/v1/proofs/${a.requestId}`)).body.settlement).toEqual({ ...a.rec.settlement, chainGone: true });
}, 300_000);
