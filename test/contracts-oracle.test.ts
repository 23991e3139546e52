/**
 * ProvenOracle on a real local chain with real proofs of digits-mlp compiled with a nonce (the
 * observation time), and an example consumer (RiskLendingPool, src/test/) that lends only on a
 * fresh, low enough proven score. The attacks: an old proof re-submitted to look fresh, a feed
 * rolled back, a feed pointed at a signal that is not an output, an updater that cannot be rotated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, id as keccakText, type Contract, type TransactionReceipt } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { deployVerifier } from "../verifier-contracts/groth16-verifier.ts";
import { compileZkinfer, deployContract, deployZkinfer, registerModel, registrationFromManifest, registryLayout, revertErrorName, settleArgs, type ZkinferArtifacts } from "../verifier-contracts/contracts.ts";
import { nonceVariant, nonceVariantManifest, type NonceVariant } from "../verifier-contracts/nonce-variant.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { decodePublicSignals, type ProofResult } from "../prover/prove.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";

const DAY = 86_400;
let chain: LocalChain | undefined;
let V: NonceVariant;
let artifacts: ZkinferArtifacts;
let deployer: Wallet, updater: Wallet, stranger: Wallet, owner2: Wallet, updater2: Wallet;
let registry: Contract, oracle: Contract;
let verifierAddress: string;
let modelN: string;
let feedId: bigint;
let samples: number[][];
/** The published output: out[k], at public signal k + 1; k is chosen so sample 0's value is negative. */
let k: number;

const args = (p: ProofResult) => settleArgs(p.proof, p.publicSignals);
const output = (p: ProofResult) => decodePublicSignals(p.publicSignals, V.model.manifest.publicSignals).output[k]!;
const as = (c: Contract, w: Wallet) => c.connect(w) as Contract;

async function expectRevert(sent: Promise<unknown>, c: Contract, name: string): Promise<void> {
  let err: unknown;
  try { await sent; } catch (e) { err = e; }
  if (err === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`);
  expect(revertErrorName(c, err), String(err).slice(0, 300)).toBe(name);
}
async function send(c: Contract, fn: string, ...a: unknown[]): Promise<TransactionReceipt> {
  return (await c.getFunction(fn)(...a)).wait();
}
async function timeTravel(secs: number) {
  await chain!.provider.send("evm_increaseTime", [secs]);
  await chain!.provider.send("evm_mine", []);
}
/** The latest block's timestamp: proofs are made for times relative to the chain's clock. */
async function chainNow(): Promise<number> {
  return (await chain!.provider.getBlock("latest"))!.timestamp;
}
/** A proof of sample i observed at unix time t. */
const proveAt = (i: number, t: number) => V.prove(samples[i]!, BigInt(t));
const events = (r: TransactionReceipt, name: string) => r.logs.flatMap((l) => { const e = oracle.interface.parseLog(l); return e?.name === name ? [e.args] : []; });
async function newFeed(creator: Wallet, feedUpdater = updater): Promise<bigint> {
  await send(as(oracle, creator), "createFeed", modelN, k + 1, feedUpdater.address);
  return (await oracle.getFunction("nextFeedId")()) - 1n;
}

beforeAll(async () => {
  const chainP = startLocalChain();
  artifacts = compileZkinfer({ withTestContracts: true });
  samples = splitDigits(loadDigits()).test.slice(0, 3).map((s) => Array.from(s.pixels));
  V = await nonceVariant("digits-mlp");
  chain = await chainP;
  [deployer, updater, stranger, owner2, updater2] = chain.privateKeys.slice(0, 5).map((key) => new Wallet(key, chain!.provider));
  ({ registry, oracle } = await deployZkinfer(deployer, { artifacts }));
  verifierAddress = await (await deployVerifier(deployer, V.verifierSol)).getAddress();
  modelN = registrationFromManifest(V.model.manifest).modelId;
  await registerModel(registry, V.model.manifest, verifierAddress, "ipfs://digits-mlp-nonce");
  const probe = await proveAt(0, 1);
  k = decodePublicSignals(probe.publicSignals, V.model.manifest.publicSignals).output.findIndex((v) => v < 0n);
  feedId = await newFeed(deployer);
});

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
});

describe("ProvenOracle feeds", () => {
  it("latest reverts before the first value; FeedCreated names the creator, who owns the feed", async () => {
    expect(k).toBeGreaterThanOrEqual(0);
    await expectRevert(oracle.getFunction("latest")(feedId, 3600), oracle, "NoValue");
    const r = await send(as(oracle, stranger), "createFeed", modelN, k + 1, updater.address);
    const [e] = events(r, "FeedCreated");
    expect([e!.creator, e!.modelId, e!.outputIndex, e!.updater]).toEqual([stranger.address, modelN, BigInt(k + 1), updater.address]);
    const f = await oracle.getFunction("feed")(e!.feedId);
    expect([f.owner, f.pendingOwner, f.updater]).toEqual([stranger.address, "0x0000000000000000000000000000000000000000", updater.address]);
  });

  it("createFeed refuses an outputIndex at the input commitment, the nonce, past the signals, and unknown models", async () => {
    const create = (id: string, index: number) => oracle.getFunction("createFeed")(id, index, updater.address);
    await expectRevert(create(modelN, 0), oracle, "InvalidOutputIndex"); // inputCommitment
    await expectRevert(create(modelN, 11), oracle, "InvalidOutputIndex"); // nonce
    await expectRevert(create(modelN, 12), oracle, "InvalidOutputIndex");
    await expectRevert(create(keccakText("unknown"), 1), oracle, "ModelNotRegistered");
    await expectRevert(oracle.getFunction("createFeed")(modelN, 1, "0x0000000000000000000000000000000000000000"), oracle, "ZeroUpdater");
  });

  it("createFeed refuses a model without a nonce, and signals of other layouts that are not outputs", async () => {
    // Registered with the variant's verifier: createFeed reads only the layout.
    const plain = openModelDir("digits-mlp").manifest;
    await registerModel(registry, plain, verifierAddress, "");
    await expectRevert(oracle.getFunction("createFeed")(registrationFromManifest(plain).modelId, 1, updater.address), oracle, "ModelHasNoNonce");
    // Public input: [out[0..9], x[0..63], nonce]; an x[i] is the prover's input, not a proven output.
    const pub = nonceVariantManifest("digits-mlp", { input: "public" }).manifest;
    const pubId = registrationFromManifest(pub).modelId;
    await registerModel(registry, pub, verifierAddress, "");
    expect([pub.publicSignals[10], pub.publicSignals[74]]).toEqual(["x[0]", "nonce"]);
    for (const i of [10, 73, 74]) await expectRevert(oracle.getFunction("createFeed")(pubId, i, updater.address), oracle, "InvalidOutputIndex");
    await send(oracle, "createFeed", pubId, 9, updater.address); // out[9] is fine
    // Hashed weights: [inputCommitment, weightsCommitment, out[0..9], nonce].
    const hw = { ...nonceVariantManifest("digits-mlp", { weights: "hashed" }).manifest, weightsCommitment: "1" };
    await registerModel(registry, hw, verifierAddress, "");
    expect(hw.publicSignals[1]).toBe("weightsCommitment");
    await expectRevert(oracle.getFunction("createFeed")(registrationFromManifest(hw).modelId, 1, updater.address), oracle, "InvalidOutputIndex");
    // Hashed output: the only output signal is a commitment.
    const ho = nonceVariantManifest("digits-mlp", { output: "hashed" }).manifest;
    await registerModel(registry, ho, verifierAddress, "");
    await expectRevert(oracle.getFunction("createFeed")(registrationFromManifest(ho).modelId, 1, updater.address), oracle, "OutputNotPublic");
  });
});

describe("ProvenOracle submissions carry their observation time", () => {
  it("submit reverts if the caller is not the updater, the proof is tampered with, or its time is in the future", async () => {
    const now = await chainNow();
    const p = await proveAt(0, now - 10);
    await expectRevert(as(oracle, stranger).getFunction("submit")(feedId, ...args(p)), oracle, "NotUpdater");
    const [proof, pub] = args(p);
    const lower = [...pub];
    lower[k + 1] = lower[k + 1]! - 1n;
    await expectRevert(as(oracle, updater).getFunction("submit")(feedId, proof, lower), oracle, "InvalidProof");
    const later = [...pub];
    later[11] = BigInt(now - 5); // a fresher time than the proof's: the proof does not verify
    await expectRevert(as(oracle, updater).getFunction("submit")(feedId, proof, later), oracle, "InvalidProof");
    const future = await proveAt(0, now + 3600);
    await expectRevert(as(oracle, updater).getFunction("submit")(feedId, ...args(future)), oracle, "ObservationInFuture");
  });

  it("stores the proven output as a signed integer with the proof's time, not the block's", async () => {
    const t = (await chainNow()) - 30;
    const p = await proveAt(0, t);
    const receipt = await send(as(oracle, updater), "submit", feedId, ...args(p));
    const block = await chain!.provider.getBlock(receipt.blockNumber);
    expect(block!.timestamp).toBeGreaterThan(t);
    const [value, updatedAt] = await oracle.getFunction("latest")(feedId, 3600);
    expect(output(p)).toBeLessThan(0n); // a field element above r/2 read back as negative
    expect(value).toBe(output(p));
    expect(Number(updatedAt)).toBe(t);
    expect(events(receipt, "ValueSubmitted")[0]!.updatedAt).toBe(BigInt(t));
    const f = await oracle.getFunction("feed")(feedId);
    expect(f.inputCommitment).toBe(BigInt(p.publicSignals[0]!));
  });

  it("a 30-day-old proof is stale for latest(60), and neither a re-submission nor an older proof refreshes or rolls back the feed", async () => {
    const f = await newFeed(deployer);
    const now = await chainNow();
    const old = await proveAt(1, now - 30 * DAY);
    const fresh = await proveAt(2, now - 5);
    // The old proof is accepted into an empty feed, but with its own time: stale for a 60 s bound.
    await send(as(oracle, updater), "submit", f, ...args(old));
    await expectRevert(oracle.getFunction("latest")(f, 60), oracle, "StaleValue");
    await send(as(oracle, updater), "submit", f, ...args(fresh));
    const [v, at] = await oracle.getFunction("latest")(f, 60);
    expect([v, Number(at)]).toEqual([output(fresh), now - 5]);
    // Re-submitting the fresh proof later does not make it fresher; the old one cannot roll it back.
    await timeTravel(120);
    await expectRevert(as(oracle, updater).getFunction("submit")(f, ...args(fresh)), oracle, "ObservationNotNewer");
    await expectRevert(as(oracle, updater).getFunction("submit")(f, ...args(old)), oracle, "ObservationNotNewer");
    await expectRevert(as(oracle, updater).getFunction("submit")(f, ...args(await proveAt(1, now - 6))), oracle, "ObservationNotNewer");
    await expectRevert(oracle.getFunction("latest")(f, 60), oracle, "StaleValue");
    expect((await oracle.getFunction("latest")(f, 3600))[0]).toBe(output(fresh));
  });
});

describe("ProvenOracle feed ownership", () => {
  it("the owner rotates the updater: the old one is refused, the new one accepted; nobody else can rotate", async () => {
    const f = await newFeed(deployer);
    await expectRevert(as(oracle, stranger).getFunction("setUpdater")(f, stranger.address), oracle, "NotFeedOwner");
    await expectRevert(as(oracle, updater).getFunction("setUpdater")(f, stranger.address), oracle, "NotFeedOwner");
    await expectRevert(oracle.getFunction("setUpdater")(f, "0x0000000000000000000000000000000000000000"), oracle, "ZeroUpdater");
    const r = await send(oracle, "setUpdater", f, updater2.address);
    expect([...events(r, "UpdaterChanged")[0]!]).toEqual([f, updater.address, updater2.address]);
    const p = await proveAt(0, (await chainNow()) - 1);
    await expectRevert(as(oracle, updater).getFunction("submit")(f, ...args(p)), oracle, "NotUpdater");
    await send(as(oracle, updater2), "submit", f, ...args(p));
    expect((await oracle.getFunction("latest")(f, 60))[0]).toBe(output(p));
  });

  it("hands a feed on in two steps: only the pending owner accepts, and only then does it own the feed", async () => {
    const f = await newFeed(deployer);
    await expectRevert(as(oracle, stranger).getFunction("transferFeedOwnership")(f, stranger.address), oracle, "NotFeedOwner");
    const started = await send(oracle, "transferFeedOwnership", f, owner2.address);
    expect([...events(started, "FeedOwnershipTransferStarted")[0]!]).toEqual([f, deployer.address, owner2.address]);
    expect((await oracle.getFunction("feed")(f)).pendingOwner).toBe(owner2.address);
    await expectRevert(as(oracle, owner2).getFunction("setUpdater")(f, updater2.address), oracle, "NotFeedOwner");
    await expectRevert(as(oracle, stranger).getFunction("acceptFeedOwnership")(f), oracle, "NotPendingFeedOwner");
    const done = await send(as(oracle, owner2), "acceptFeedOwnership", f);
    expect([...events(done, "FeedOwnershipTransferred")[0]!]).toEqual([f, deployer.address, owner2.address]);
    const rec = await oracle.getFunction("feed")(f);
    expect([rec.owner, rec.pendingOwner]).toEqual([owner2.address, "0x0000000000000000000000000000000000000000"]);
    await expectRevert(oracle.getFunction("setUpdater")(f, updater2.address), oracle, "NotFeedOwner"); // the old owner
    await send(as(oracle, owner2), "setUpdater", f, updater2.address);
    await expectRevert(as(oracle, owner2).getFunction("acceptFeedOwnership")(f), oracle, "NotPendingFeedOwner"); // once only
    await expectRevert(oracle.getFunction("acceptFeedOwnership")(999n), oracle, "FeedNotFound");
  });
});

describe("ProvenOracle consumers", () => {
  it("the lending pool lends on a fresh, low score and refuses a stale or too risky one", async () => {
    const p = await proveAt(1, (await chainNow()) - 1);
    await send(as(oracle, updater), "submit", feedId, ...args(p));
    const score = output(p);
    const oracleAddress = await oracle.getAddress();
    const lenient = await deployContract(deployer, artifacts, "RiskLendingPool", oracleAddress, feedId, 600, score, { value: 10n ** 18n });
    const strict = await deployContract(deployer, artifacts, "RiskLendingPool", oracleAddress, feedId, 600, score - 1n, { value: 10n ** 18n });
    const before = await chain!.provider.getBalance(await lenient.getAddress());
    await send(as(lenient, stranger), "borrow", 10n ** 17n);
    expect(await chain!.provider.getBalance(await lenient.getAddress())).toBe(before - 10n ** 17n);
    await expectRevert(as(strict, stranger).getFunction("borrow")(10n ** 17n), strict, "TooRisky");
    await timeTravel(601);
    // The oracle's StaleValue bubbles up through the pool, and the same proof cannot refresh it.
    await expectRevert(as(lenient, stranger).getFunction("borrow")(10n ** 17n), oracle, "StaleValue");
    await expectRevert(as(oracle, updater).getFunction("submit")(feedId, ...args(p)), oracle, "ObservationNotNewer");
  });

  it("submit reverts once the feed's model is deprecated", async () => {
    const id = keccakText("digits-mlp with a nonce, deprecated copy");
    await send(registry, "register", id, verifierAddress, registryLayout(registrationFromManifest(V.model.manifest)), 0n, "");
    await send(oracle, "createFeed", id, k + 1, updater.address);
    const f = (await oracle.getFunction("nextFeedId")()) - 1n;
    await send(registry, "deprecate", id);
    await expectRevert(as(oracle, updater).getFunction("submit")(f, ...args(await proveAt(0, (await chainNow()) - 1))), oracle, "ModelDeprecated");
    await expectRevert(oracle.getFunction("createFeed")(id, k + 1, updater.address), oracle, "ModelDeprecated");
  });
});
