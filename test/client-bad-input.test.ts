/**
 * The client refuses a paid request it can tell will not be served, before any transaction:
 * a signer on another chain, an escrow that is not the gateway's, a model the registry does not
 * know, a price below the operator's minimum, an expired (or too near) deadline. Each refusal
 * names the wrong value, and the paying account's nonce shows nothing was sent. The same
 * request with the right values is then opened, so the refusals are the checks', not the setup's.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, type Provider } from "ethers";
import { testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { deployZkinfer, type ZkinferDeployment } from "../verifier-contracts/contracts.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { ZkinferClient, ZkinferClientError, type OpenRequestOptions } from "../client/index.ts";

const tmp = makeTempDir("zkinfer-client-bad-");
const x = Array.from(testDigits(1)[0]!.pixels);
let p: PayChain;
let other: LocalChain;
let otherDeployment: ZkinferDeployment;
let served: PayServer;
let unregistered: PayServer;
let zk: ZkinferClient;
let modelId: string;
let minPrice: bigint;

beforeAll(async () => {
  const otherP = startLocalChain({ chainId: 1337 });
  p = await startPayChain();
  other = await otherP;
  served = await startPayServer(p, tmp.file("a.sqlite"));
  // A second deployment on the same chain: its escrow is not the gateway's, and a gateway on it
  // that does not register its models serves a model the registry does not know.
  otherDeployment = await deployZkinfer(p.operator);
  unregistered = await startPayServer(p, tmp.file("b.sqlite"), { escrow: otherDeployment.addresses.escrow, registerModels: false });
  zk = new ZkinferClient({ baseUrl: served.url });
  modelId = served.service.getModel("digits-mlp").id;
  minPrice = BigInt(served.service.getPrice("digits-mlp").accepted.eth!.minPriceWei);
}, 300_000);

afterAll(async () => {
  await unregistered?.close();
  await served?.close();
  await p?.stop();
  await other?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

/** The error of `open`, checking the signer's nonce did not move. */
async function refused(open: () => Promise<unknown>, provider: Provider, address: string): Promise<ZkinferClientError> {
  const nonce = await provider.getTransactionCount(address);
  const e = await open().then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ZkinferClientError);
  expect(await provider.getTransactionCount(address)).toBe(nonce);
  return e as ZkinferClientError;
}

const request = (o: Partial<OpenRequestOptions> = {}): OpenRequestOptions => ({ signer: p.client, modelId: "digits-mlp", input: x, ...o });
const latest = async () => BigInt((await p.chain.provider.getBlock("latest"))!.timestamp);

describe("openEscrowRequest refuses before sending a transaction", () => {
  it("a signer on another chain, naming both chain ids", async () => {
    const signer = new Wallet(other.privateKeys[1]!, other.provider);
    const e = await refused(() => zk.openEscrowRequest(request({ signer })), other.provider, signer.address);
    expect(e).toMatchObject({ code: "WRONG_CHAIN", field: "chainId" });
    expect(e.message).toMatch(/the signer's provider is on chain 1337, but the gateway settles on chain 31337/);
  });

  it("an escrow that is not the gateway's, naming it and the gateway's", async () => {
    const wrong = otherDeployment.addresses.escrow;
    const e = await refused(() => zk.openEscrowRequest(request({ escrow: wrong })), p.chain.provider, p.client.address);
    expect(e).toMatchObject({ code: "WRONG_ESCROW", field: "escrow" });
    expect(e.message).toContain(`escrow: ${wrong} is not the gateway's escrow ${await p.escrow.getAddress()}`);
  });

  it("a model the registry does not know, naming its id and the registry", async () => {
    const zkB = new ZkinferClient({ baseUrl: unregistered.url });
    const e = await refused(() => zkB.openEscrowRequest(request()), p.chain.provider, p.client.address);
    expect(e).toMatchObject({ code: "MODEL_NOT_REGISTERED", field: "modelId" });
    expect(e.message).toContain(`model digits-mlp (0x${modelId}) is not registered in registry ${otherDeployment.addresses.registry}`);
  });

  it("a price below the operator's minimum, naming both", async () => {
    const e = await refused(() => zk.openEscrowRequest(request({ price: minPrice - 1n })), p.chain.provider, p.client.address);
    expect(e).toMatchObject({ code: "PRICE_TOO_LOW", field: "price" });
    expect(e.message).toContain(`price: ${minPrice - 1n} wei is below the operator's minimum of ${minPrice} wei for digits-mlp`);
  });

  it("an expired deadline, and one too near for the operator to prove and settle", async () => {
    const t = await latest();
    const expired = await refused(() => zk.openEscrowRequest(request({ deadline: t - 1n })), p.chain.provider, p.client.address);
    expect(expired).toMatchObject({ code: "DEADLINE", field: "deadline" });
    expect(expired.message).toContain(`deadline: ${t - 1n} has passed (the chain's latest block is at ${t})`);
    const near = await refused(() => zk.openEscrowRequest(request({ deadline: t + 10n })), p.chain.provider, p.client.address);
    expect(near).toMatchObject({ code: "DEADLINE", field: "deadline" });
    expect(near.message).toMatch(/is 10 s after the chain's latest block .*the operator needs at least 120 s/);
  });

  it("while the same request with the right values is opened: one transaction, the request open on chain", async () => {
    const nonce = await p.chain.provider.getTransactionCount(p.client.address);
    const r = await zk.openEscrowRequest(request({ price: minPrice, deadline: (await latest()) + 3600n, escrow: await p.escrow.getAddress() }));
    expect(await p.chain.provider.getTransactionCount(p.client.address)).toBe(nonce + 1);
    const onChain = await p.escrow.getFunction("request")(BigInt(r.requestId));
    expect([Number(onChain.status), onChain.operator, String(onChain.inputCommitment), onChain.price, onChain.modelId]).toEqual([1, p.operator.address, r.inputCommitment, minPrice, `0x${modelId}`]);
  });
});

describe("the gateway refuses to publish an oracle that is not the escrow's", () => {
  it("an address without code, a contract that is not a ProvenOracle, an oracle of another registry: the start fails naming options.chain.oracle", async () => {
    const start = (oracle: string) => startPayServer(p, tmp.file(`o-${oracle}.sqlite`), { oracle }).then(async (s) => { await s.close(); return "started"; }, (e: Error) => e.message);
    expect(await start(p.client.address)).toBe(`options.chain.oracle: no contract at ${p.client.address} on chain 31337`);
    const escrow = await p.escrow.getAddress();
    expect(await start(escrow)).toMatch(new RegExp(`^options\\.chain\\.oracle: ${escrow} does not answer nextFeedId\\(\\) and registry\\(\\); is it a ProvenOracle\\?`));
    expect(await start(otherDeployment.addresses.oracle)).toBe(`options.chain.oracle: ${otherDeployment.addresses.oracle} reads registry ${otherDeployment.addresses.registry}, but the escrow's registry is ${await p.registry.getAddress()}`);
    expect(await start(await p.oracle.getAddress())).toBe("started");
  }, 120_000);
});
