/**
 * Admission of paid requests, through the real server on a real local chain: infer reads the
 * escrow request on chain and refuses, before storing or proving anything, a request that does
 * not pay this server (the attack: a client names itself operator, or pays 1 wei), that is for
 * another model or input, that is closed or unknown, or whose deadline leaves too little time
 * on the chain's clock. A refusal leaves no job row, gives the pool nothing and costs the
 * operator no transaction. Honest ETH and token requests are still proved and settled.
 */
import Database from "better-sqlite3";
import { type Contract, Wallet } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputCommitment } from "../prover/commitment.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { compileZkinfer, deployContract, registerModel } from "../verifier-contracts/contracts.ts";
import { grpcClient } from "../server/grpc/client.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { pollProof, PRICE, settledEvents, settlementDone, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";

const tmp = makeTempDir("zkinfer-admission-");
const dbPath = tmp.file("jobs.sqlite");
const digits = testDigits(12).map((d) => d.pixels);
const TOKEN_MIN = 100n;
const OTHER_MODEL = `0x${"ab".repeat(32)}`;
let p: PayChain;
let server: PayServer;
let modelId: string;
let accepted: Contract; // an ERC-20 the server takes, from TOKEN_MIN units
let refused: Contract; // an ERC-20 it does not take

beforeAll(async () => {
  p = await startPayChain();
  const artifacts = compileZkinfer({ withTestContracts: true });
  accepted = await deployContract(p.operator, artifacts, "TestERC20");
  refused = await deployContract(p.operator, artifacts, "TestERC20");
  for (const t of [accepted, refused]) {
    await (await (t.connect(p.client) as Contract).getFunction("mint")(p.client.address, 10n ** 24n)).wait();
    await (await (t.connect(p.client) as Contract).getFunction("approve")(await p.escrow.getAddress(), 10n ** 24n)).wait();
  }
  server = await startPayServer(p, dbPath, { minPriceWei: PRICE.toString(), tokens: [{ address: await accepted.getAddress(), minAmount: TOKEN_MIN.toString() }], minDeadlineSeconds: 120 });
  modelId = server.service.getModel("digits-mlp").id;
  // A second registered model (digits-mlp's verifier under another id), for a request on another model.
  const manifest = openModelDir("digits-mlp").manifest;
  await registerModel(p.registry, { ...manifest, modelId: OTHER_MODEL.slice(2) }, server.service.getModel("digits-mlp").verifierAddress!, "zkinfer:other");
}, 120_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

interface OpenOptions {
  pixels: number[];
  operator?: string;
  price?: bigint;
  /** Deadline: seconds after the chain's latest block. */
  secs?: number;
  token?: Contract;
  model?: string;
}

/** Opens an escrow request as the client; returns its id. */
async function open(o: OpenOptions): Promise<bigint> {
  const now = (await p.chain.provider.getBlock("latest"))!.timestamp;
  const escrow = p.escrow.connect(p.client) as Contract;
  const args = [o.model ?? `0x${modelId}`, await inputCommitment(o.pixels), o.operator ?? p.operator.address, BigInt(now + (o.secs ?? 3600))];
  const tx = o.token
    ? await escrow.getFunction("openRequestWithToken")(...args, await o.token.getAddress(), o.price ?? TOKEN_MIN)
    : await escrow.getFunction("openRequest")(...args, { value: o.price ?? PRICE });
  const rc = await tx.wait();
  const ev = rc.logs.map((l: { topics: string[]; data: string }) => escrow.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "RequestOpened");
  return BigInt(ev.args.requestId);
}

const infer = (input: number[], escrowRequestId: bigint | string) =>
  json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input, escrowRequestId: String(escrowRequestId) } });

/** Job rows referencing escrow request `id`, read straight from the SQLite file. */
function rowsFor(id: bigint): number {
  const db = new Database(dbPath, { readonly: true });
  try {
    return (db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE escrow_request_id = ?").get(id.toString()) as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Infers with escrow request `id` and expects a refusal that changed nothing: no row, no proof, no operator transaction. */
async function expectRefused(id: bigint, pixels: number[], status: number, code: string, message: RegExp | string) {
  const before = server.service.stats();
  const nonce = await p.chain.provider.getTransactionCount(p.operator.address);
  const r = await infer(pixels, id);
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.error).toMatchObject({ code, field: "escrowRequestId" });
  if (typeof message === "string") expect(r.body.error.message).toContain(message);
  else expect(r.body.error.message).toMatch(message);
  expect(rowsFor(id)).toBe(0);
  const after = server.service.stats();
  expect(after.queued + after.proving + after.proved + after.failed).toBe(before.queued + before.proving + before.proved + before.failed);
  expect(after.provingSeconds.length).toBe(before.provingSeconds.length);
  expect(await p.chain.provider.getTransactionCount(p.operator.address)).toBe(nonce);
  return r;
}

describe("admission of a paid request", () => {
  it("the attack: a request naming the client itself as operator is refused with 402; nothing stored, proved or sent", async () => {
    const id = await open({ pixels: digits[0], operator: p.client.address });
    await expectRefused(id, digits[0], 402, "PAYMENT_REQUIRED", `escrow request ${id} pays operator ${p.client.address}, not this server's operator ${p.operator.address}`);
    expect(Number((await p.escrow.getFunction("request")(id)).status)).toBe(1); // untouched: the client refunds it later
  });

  it("a request paying below the least price (1 wei, or 1 wei short) is refused with 402", async () => {
    const one = await open({ pixels: digits[1], price: 1n });
    await expectRefused(one, digits[1], 402, "PAYMENT_REQUIRED", `escrow request ${one} locks 1 wei, below this server's least price of ${PRICE} for model digits-mlp`);
    const short = await open({ pixels: digits[1], price: PRICE - 1n });
    await expectRefused(short, digits[1], 402, "PAYMENT_REQUIRED", `locks ${PRICE - 1n} wei, below`);
  });

  it("a token not accepted, or too few units of an accepted one, is refused with 402", async () => {
    const other = await open({ pixels: digits[2], token: refused, price: 10n ** 20n });
    await expectRefused(other, digits[2], 402, "PAYMENT_REQUIRED", `pays in token ${await refused.getAddress()}, which this server does not accept for model digits-mlp`);
    const few = await open({ pixels: digits[2], token: accepted, price: TOKEN_MIN - 1n });
    await expectRefused(few, digits[2], 402, "PAYMENT_REQUIRED", `locks ${TOKEN_MIN - 1n} units of ${await accepted.getAddress()}, below this server's least price of ${TOKEN_MIN}`);
  });

  it("a deadline too near is refused with 409, measured on the chain's clock rather than the server's", async () => {
    const near = await open({ pixels: digits[3], secs: 60 });
    await expectRefused(near, digits[3], 409, "CONFLICT", /has deadline \d+, [56]\d s after the chain's latest block \(\d+\); model digits-mlp needs at least 120 s/);
    // 200 s ahead by the local clock, but the chain has moved 100 s ahead of it: 100 s left.
    const id = await open({ pixels: digits[3], secs: 200 });
    await p.chain.provider.send("evm_increaseTime", [100]);
    await p.chain.provider.send("evm_mine", []);
    await expectRefused(id, digits[3], 409, "CONFLICT", /, (9\d|100) s after the chain's latest block/);
  });

  it("a request for another input commitment or another model is refused with 409", async () => {
    const id = await open({ pixels: digits[4] });
    await expectRefused(id, digits[5], 409, "CONFLICT", `escrow request ${id} is for input commitment ${await inputCommitment(digits[4])}, but this input commits to ${await inputCommitment(digits[5])}`);
    const other = await open({ pixels: digits[5], model: OTHER_MODEL });
    await expectRefused(other, digits[5], 409, "CONFLICT", `escrow request ${other} is for model ${OTHER_MODEL}, not digits-mlp (0x${modelId})`);
  });

  it("an unknown request is refused with 404, a refunded one with 409", async () => {
    const next = BigInt(await p.escrow.getFunction("nextRequestId")());
    await expectRefused(next + 1000n, digits[6], 404, "NOT_FOUND", `escrow request ${next + 1000n} does not exist on escrow ${await p.escrow.getAddress()}`);
    const id = await open({ pixels: digits[6], secs: 130 });
    await p.chain.provider.send("evm_increaseTime", [200]);
    await p.chain.provider.send("evm_mine", []);
    await (await (p.escrow.connect(p.client) as Contract).getFunction("refund")(id)).wait();
    await expectRefused(id, digits[6], 409, "CONFLICT", `escrow request ${id} is refunded, no longer open`);
  });

  it("an unreachable chain answers 503 with Retry-After; nothing is stored", async () => {
    const id = await open({ pixels: digits[7] });
    await p.relay.down();
    try {
      const r = await infer(digits[7], id);
      expect(r.status, JSON.stringify(r.body)).toBe(503);
      expect(r.body.error).toMatchObject({ code: "UNAVAILABLE", field: "escrowRequestId" });
      expect(r.body.error.message).toContain(`cannot read escrow request ${id} from chain`);
      expect(Number(r.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(rowsFor(id)).toBe(0);
    } finally {
      await p.relay.up();
    }
    // The same request is admitted once the chain answers again.
    const again = await infer(digits[7], id);
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    await pollProof(server.url, again.body.requestId, settlementDone);
  });

  it("two concurrent calls naming one request: one is admitted, the other refused while the first reads the chain", async () => {
    const id = await open({ pixels: digits[7] });
    const [x, y] = await Promise.all([infer(digits[7], id), infer(digits[7], id)]);
    expect([x.status, y.status].sort()).toEqual([200, 400]);
    const loser = x.status === 400 ? x : y;
    expect(loser.body.error.message).toContain(`escrow request ${id} is being admitted for another call`);
    expect(rowsFor(id)).toBe(1);
    await pollProof(server.url, (x.status === 200 ? x : y).body.requestId, settlementDone);
  });

  it("honest requests are admitted, proved and settled: ETH at the least price, and an accepted token", async () => {
    const eth = await open({ pixels: digits[8], price: PRICE });
    const r = await infer(digits[8], eth);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const rec = await pollProof(server.url, r.body.requestId, settlementDone);
    expect(rec.settlement).toMatchObject({ status: "settled", error: null });
    expect(await settledEvents(p, eth)).toEqual([rec.settlement!.txHash]);

    const balance = () => accepted.getFunction("balanceOf")(p.operator.address) as Promise<bigint>;
    const before = await balance();
    const tok = await open({ pixels: digits[9], token: accepted, price: TOKEN_MIN });
    const t = await infer(digits[9], tok);
    expect(t.status, JSON.stringify(t.body)).toBe(200);
    const trec = await pollProof(server.url, t.body.requestId, settlementDone);
    expect(trec.settlement).toMatchObject({ status: "settled", error: null });
    const owed = (await p.escrow.getFunction("owed")(await accepted.getAddress(), p.operator.address)) as bigint;
    expect((await balance()) - before + owed).toBe(TOKEN_MIN);
  });
});

describe("GET /v1/models/{id}/price", () => {
  it("says where and how to pay: chain, escrow, operator, least ETH price, accepted tokens, deadline margin", async () => {
    const r = await json(`${server.url}/v1/models/digits-mlp/price`);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      paidRequests: true,
      chainId: p.chain.chainId,
      escrow: await p.escrow.getAddress(),
      operator: p.operator.address,
      accepted: { eth: { minPriceWei: PRICE.toString() }, tokens: [{ address: await accepted.getAddress(), minAmount: TOKEN_MIN.toString() }] },
      minDeadlineSeconds: 120,
    });
    expect((await json(`${server.url}/v1/models/${modelId}`)).body.payment).toEqual(r.body);
    const missing = await json(`${server.url}/v1/models/no-such-model/price`);
    expect(missing.status).toBe(404);
    expect(missing.body.error).toMatchObject({ code: "NOT_FOUND", field: "model" });
    const doc = (await json(`${server.url}/openapi.json`)).body;
    expect(doc.paths["/v1/models/{id}/price"].get.responses["200"].content["application/json"].schema).toEqual({ $ref: "#/components/schemas/Payment" });
    expect(Object.keys(doc.paths["/v1/models/{id}/infer"].post.responses)).toEqual(expect.arrayContaining(["402", "404", "409", "503"]));
  });

  it("gRPC: GetPrice, and the same terms in GetModel and ListModels", async () => {
    const c = grpcClient(server.edges.grpcAddress);
    try {
      const price = await c.unary("getPrice", { model: "digits-mlp" });
      expect(price).toEqual({
        paidRequests: true, reason: "", chainId: p.chain.chainId, escrow: await p.escrow.getAddress(), operator: p.operator.address,
        ethAccepted: true, ethMinPriceWei: PRICE.toString(), tokens: [{ address: await accepted.getAddress(), minAmount: TOKEN_MIN.toString() }], minDeadlineSeconds: 120,
      });
      expect((await c.unary("getModel", { model: modelId })).payment).toEqual(price);
      expect((await c.unary("listModels", {})).models[0].payment).toEqual(price);
      const err = await c.unary("getPrice", { model: "no-such-model" }).then(() => undefined, (e: { code: number }) => e);
      expect(err?.code).toBe(5); // NOT_FOUND
      // A refusal over gRPC: FAILED_PRECONDITION naming escrow_request_id, and no job.
      const id = await open({ pixels: digits[0], operator: p.client.address });
      const refusedCall = await c.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_INT8", values: digits[0], escrowRequestId: String(id) })
        .then(() => undefined, (e: { code: number; details: string; metadata: { get(k: string): unknown[] } }) => e);
      expect(refusedCall?.code).toBe(9); // FAILED_PRECONDITION
      expect(refusedCall!.details).toContain(`escrow request ${id} pays operator ${p.client.address}`);
      expect(refusedCall!.metadata.get("error-field")).toEqual(["escrow_request_id"]);
      expect(rowsFor(id)).toBe(0);
    } finally {
      c.close();
    }
  });
});

describe("the settler re-checks before signing", () => {
  it("a request whose deadline passed after admission fails for good, with no transaction sent", async () => {
    const id = await open({ pixels: digits[10], secs: 125 });
    const nonce = await p.chain.provider.getTransactionCount(p.operator.address);
    const r = await infer(digits[10], id);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // Right after admission, before the proof is ready: the chain moves past the deadline.
    await p.chain.provider.send("evm_increaseTime", [300]);
    await p.chain.provider.send("evm_mine", []);
    const rec = await pollProof(server.url, r.body.requestId, settlementDone);
    expect(rec.status).toBe("proved");
    expect(rec.settlement!.status).toBe("failed");
    expect(rec.settlement!.txHash).toBeNull();
    expect(rec.settlement!.error).toMatch(new RegExp(`escrow request ${id} has deadline \\d+, not after the chain's latest block \\(\\d+\\): it can no longer be settled; not submitted`));
    expect(await p.chain.provider.getTransactionCount(p.operator.address)).toBe(nonce);
  });

  it("a proved job whose request pays another operator (the server restarted with another key) fails for good, unsent", async () => {
    const id = await open({ pixels: digits[11] });
    // Admitted and proved, but left unsettled: the chain is cut as soon as infer answers.
    const r = await infer(digits[11], id);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await p.relay.down();
    await pollProof(server.url, r.body.requestId, (x) => x.status === "proved" && /ECONNREFUSED/.test(x.settlement?.error ?? ""));
    await server.close();
    await p.relay.up();
    const rotated = new Wallet(p.chain.privateKeys[2], p.chain.provider);
    const nonce = await p.chain.provider.getTransactionCount(rotated.address);
    server = await startPayServer(p, dbPath, { privateKey: rotated.privateKey, registerModels: false });
    const rec = await pollProof(server.url, r.body.requestId, settlementDone);
    expect(rec.settlement!.status).toBe("failed");
    expect(rec.settlement!.error).toBe(`escrow request ${id} pays operator ${p.operator.address}, not this server's operator ${rotated.address}; not submitted (the gas would buy nothing)`);
    expect(await p.chain.provider.getTransactionCount(rotated.address)).toBe(nonce);
    expect((await json(`${server.url}/v1/models/digits-mlp/price`)).body.operator).toBe(rotated.address);
  });
});
