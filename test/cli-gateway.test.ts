/**
 * `--gateway <url>` on the chain commands: `zkinfer request open|status` and `zkinfer oracle read`
 * take the chain, the escrow, the oracle and the operator from a running gateway's GET /v1/chain
 * (a real server settling on a real local chain), and check the request against the gateway's
 * terms before sending anything. A request opened this way is one the gateway then serves and
 * settles. Each refusal names its flag and leaves the client's transaction count as it was.
 */
import { writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { startPayChain, startPayServer, pollProof, settlementDone, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";
import { startTestServer, json, type TestServer } from "./helpers/edge-server.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const tmp = makeTempDir("zkinfer-cli-gateway-");
let p: PayChain;
let served: PayServer;
let off: TestServer;
let client: Wallet;
const digitFile = tmp.file("digit.json");
const pixels = Array.from(splitDigits(loadDigits()).test[0]!.pixels);
const MIN_PRICE = "1000000000000000"; // the gateway's default least price (server/config/defaults.ts)

beforeAll(async () => {
  p = await startPayChain();
  served = await startPayServer(p, tmp.file("jobs.sqlite"), { oracle: await p.oracle.getAddress() });
  off = await startTestServer({ chain: { mode: "off" } });
  client = p.client;
  writeFileSync(digitFile, JSON.stringify(pixels));
}, 300_000);
afterAll(async () => {
  await served?.close();
  await off?.close();
  await p?.stop();
  await terminateSnarkjsCurves();
  tmp.remove();
});

const open = (...extra: string[]) => ["request", "open", "--model", "digits-mlp", "--input", digitFile, "--key", client.privateKey, "--gateway", served.url, ...extra];

async function refused(args: string[], message: string) {
  const before = await p.chain.provider.getTransactionCount(client.address);
  const r = await zkinfer(...args);
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(2);
  expect(r.stderr).toContain(message);
  expect(await p.chain.provider.getTransactionCount(client.address)).toBe(before);
}

describe("chain commands with --gateway", () => {
  it("open a request with only --gateway (chain, escrow and operator from GET /v1/chain); the gateway serves and settles it", async () => {
    const r = await zkinferInProcess(...open("--price", MIN_PRICE, "--deadline", "+1h"));
    expect(r.code, r.stderr).toBe(0);
    const o = JSON.parse(r.stdout);
    expect(o).toMatchObject({ model: "digits-mlp", operator: p.operator.address, escrow: await p.escrow.getAddress(), chainId: 31337, price: MIN_PRICE });
    const st = await zkinferInProcess("request", "status", "--request", o.requestId, "--gateway", served.url);
    expect(st.code, st.stderr).toBe(0);
    expect(JSON.parse(st.stdout)).toMatchObject({ status: "open", client: client.address, inputCommitment: o.inputCommitment });
    // The gateway takes the request the CLI opened and is paid for it.
    const inf = await json(`${served.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: pixels, escrowRequestId: o.requestId } });
    expect(inf.status, JSON.stringify(inf.body)).toBe(200);
    const rec = await pollProof(served.url, inf.body.requestId, settlementDone, 120_000);
    expect(rec.settlement?.status).toBe("settled");
    const after = await zkinferInProcess("request", "status", "--request", o.requestId, "--gateway", served.url);
    expect(JSON.parse(after.stdout)).toMatchObject({ status: "settled" });
  }, 180_000);

  it("oracle read finds the gateway's oracle", async () => {
    const r = await zkinferInProcess("oracle", "read", "--feed", "999", "--gateway", served.url);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--feed");
    expect(r.stderr).toContain("999");
  });

  it("refuses, before any transaction, what the gateway would not serve: a price below its minimum, a deadline too near, another operator, another escrow", async () => {
    await refused(open("--price", (BigInt(MIN_PRICE) - 1n).toString(), "--deadline", "+1h"), "--price");
    await refused(open("--price", MIN_PRICE, "--deadline", "+30s"), "--deadline");
    const stranger = Wallet.createRandom().address;
    await refused(open("--price", MIN_PRICE, "--deadline", "+1h", "--operator", stranger), `--operator: ${stranger} is not the gateway's operator`);
    await refused(open("--price", MIN_PRICE, "--deadline", "+1h", "--escrow", await p.oracle.getAddress()), "--escrow");
  }, 120_000);

  it("refuses a gateway without a chain, and one that is not there, naming --gateway", async () => {
    await refused(["request", "open", "--model", "digits-mlp", "--input", digitFile, "--key", client.privateKey, "--price", MIN_PRICE, "--deadline", "+1h", "--gateway", off.url], "--gateway");
    const r = await zkinferInProcess("request", "status", "--request", "1", "--gateway", "http://127.0.0.1:9");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--gateway: cannot reach http://127.0.0.1:9/v1/chain");
  }, 60_000);
});
