/**
 * examples/lending-pool/run.ts as written (its main function, on a local chain it starts), then
 * what a borrower could try to raise a credit limit the model did not give: a tampered or forged
 * proof, an old score, a feed of their own (their own updater proving the real model on made-up
 * data, which verifies), a feed of another model, an updater rotated after the pool accepted it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, id as keccakText, type Contract } from "ethers";
import { main, type RunResult } from "../examples/lending-pool/run.ts";
import { proveScore } from "../examples/lending-pool/score-model.ts";
import { limitFor } from "../examples/lending-pool/pool.ts";
import { refusal } from "../examples/lending-pool/refusal.ts";
import { registrationFromManifest, registryLayout, settleArgs } from "../verifier-contracts/contracts.ts";
import { breastCancerSplits } from "../models/lib/breast-cancer.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";

let r: RunResult;
let healthy: Float32Array;
const lines: string[] = [];

beforeAll(async () => {
  r = await main({ log: (m) => lines.push(m) });
  healthy = breastCancerSplits().test.find((s) => s.label === 0)!.x;
});
afterAll(async () => {
  await r?.stop();
  await terminateSnarkjsCurves();
});

const as = (c: Contract, w: Wallet) => c.connect(w) as Contract;
const send = async (c: Contract, fn: string, ...a: unknown[]) => (await c.getFunction(fn)(...a)).wait();
const now = async () => (await r.provider.getBlock("latest"))!.timestamp;
const refused = (call: Promise<unknown>) => refusal([r.pool, r.oracle, r.registry], call);
const newFeed = async (creator: Wallet, updater: string, modelId = r.modelId): Promise<bigint> => {
  await send(as(r.oracle, creator), "createFeed", modelId, r.config.outputIndex, updater);
  return (await r.oracle.getFunction("nextFeedId")()) - 1n;
};

describe("the lending-pool example", () => {
  it("sets each limit from the proven score, lends within it, and refuses the score once older than maxAge", async () => {
    expect(lines.join("\n")).toContain("alice borrows");
    const { alice, bob, config } = r;
    // The score is the proof's output signal, as stored by the oracle.
    expect(alice.score).toBe(BigInt(alice.proof.publicSignals[config.outputIndex]!));
    expect(bob.score).toBe(BigInt(bob.proof.publicSignals[config.outputIndex]!));
    expect((await r.oracle.getFunction("feed")(alice.feedId)).value).toBe(alice.score);
    // The benign record scores below the cut-off, the malignant one above it.
    expect(alice.score).toBeLessThan(config.maxRisk);
    expect(bob.score).toBeGreaterThanOrEqual(config.maxRisk);
    expect(alice.limit).toBe(limitFor(config, alice.score));
    expect(alice.limit).toBeGreaterThan(0n);
    expect(bob.limit).toBe(0n);
    expect((await r.pool.getFunction("credit")(alice.wallet.address)).debt).toBe(r.borrowed);
    expect(await r.provider.getBalance(await r.pool.getAddress())).toBe(config.funds - r.borrowed);
    expect(r.staleRefusals.updateLimit).toBe(`StaleValue(${alice.feedId}, ${alice.observedAt}, ${config.maxAge})`);
    expect(r.staleRefusals.borrow).toBe(r.staleRefusals.updateLimit);
    // Re-submitting the old proof cannot refresh it; a new proof of the same record can.
    expect(await refused(as(r.oracle, r.scorer).getFunction("submit").staticCall(alice.feedId, ...settleArgs(alice.proof.proof, alice.proof.publicSignals)))).toMatch(/^ObservationNotNewer\(/);
    const fresh = await proveScore(r.model, healthy, await now());
    await send(as(r.oracle, r.scorer), "submit", alice.feedId, ...settleArgs(fresh.proof, fresh.publicSignals));
    await send(r.pool, "updateLimit", alice.wallet.address);
    await send(as(r.pool, alice.wallet), "borrow", 1n);
  });

  it("borrow reads the latest score: a worse one submitted after the limit was set counts though nobody refreshed the limit", async () => {
    const { alice } = r;
    const limitBefore = (await r.pool.getFunction("credit")(alice.wallet.address)).limit;
    expect(limitBefore).toBeGreaterThan(1n);
    await r.provider.send("evm_increaseTime", [1]);
    await r.provider.send("evm_mine", []);
    const worse = await proveScore(r.model, breastCancerSplits().test.find((s) => s.label === 1)!.x, await now());
    await send(as(r.oracle, r.scorer), "submit", alice.feedId, ...settleArgs(worse.proof, worse.publicSignals));
    const debt = (await r.pool.getFunction("credit")(alice.wallet.address)).debt;
    expect(await refused(as(r.pool, alice.wallet).getFunction("borrow").staticCall(1n))).toBe(`OverLimit(${alice.wallet.address}, 1, 0)`);
    expect(debt).toBeGreaterThan(0n);
  });

  it("the oracle refuses a tampered proof (a lower risk, a fresher time), a forged one, and a submission by the borrower", async () => {
    const { bob, config } = r;
    const p = await proveScore(r.model, breastCancerSplits().test.find((s) => s.label === 1)!.x, (await now()) - 10);
    const [proof, pub] = settleArgs(p.proof, p.publicSignals);
    const submit = (by: Wallet, pr: bigint[], signals: bigint[]) => refused(as(r.oracle, by).getFunction("submit").staticCall(bob.feedId, pr, signals));
    const lower = [...pub];
    lower[config.outputIndex] = 0n;
    expect(await submit(r.scorer, proof, lower)).toBe(`InvalidProof(${bob.feedId})`);
    const nonceAt = r.model.manifest.publicSignals.indexOf("nonce");
    const later = [...pub];
    later[nonceAt] = later[nonceAt]! + 1n;
    expect(await submit(r.scorer, proof, later)).toBe(`InvalidProof(${bob.feedId})`);
    // Points of another valid proof (alice's fresh score) under bob's signals.
    const other = settleArgs((await proveScore(r.model, healthy, await now())).proof, p.publicSignals)[0];
    expect(await submit(r.scorer, other, pub)).toBe(`InvalidProof(${bob.feedId})`);
    expect(await submit(bob.wallet, proof, pub)).toBe(`NotUpdater(${bob.feedId}, ${bob.wallet.address})`);
    expect((await r.oracle.getFunction("feed")(bob.feedId)).value).toBe(bob.score);
    expect((await r.pool.getFunction("credit")(bob.wallet.address)).limit).toBe(0n);
  });

  it("the pool refuses a feed whose updater is the borrower, even with a valid proof of the real model on made-up data", async () => {
    const { bob } = r;
    const own = await newFeed(bob.wallet, bob.wallet.address);
    const p = await proveScore(r.model, healthy, await now());
    await send(as(r.oracle, bob.wallet), "submit", own, ...settleArgs(p.proof, p.publicSignals)); // the oracle accepts it
    expect(await refused(as(r.pool, r.owner).getFunction("assignFeed").staticCall(bob.wallet.address, own))).toBe(`WrongScorer(${own}, ${r.scorer.address}, ${bob.wallet.address})`);
    // Only the owner assigns feeds at all.
    expect(await refused(as(r.pool, bob.wallet).getFunction("assignFeed").staticCall(bob.wallet.address, bob.feedId))).toBe(`NotOwner(${bob.wallet.address})`);
  });

  it("the pool refuses a feed of another model, even one with the same verifier", async () => {
    const copy = keccakText("tabular-breast-cancer-nonce, registered again under another id");
    await send(as(r.registry, r.owner), "register", copy, (await r.registry.getFunction("model")(r.modelId)).verifier, registryLayout(registrationFromManifest(r.model.manifest)), 0n, "");
    const f = await newFeed(r.scorer, r.scorer.address, copy);
    expect(await refused(as(r.pool, r.owner).getFunction("assignFeed").staticCall(r.bob.wallet.address, f))).toBe(`WrongModel(${f}, ${r.modelId}, ${copy})`);
  });

  it("a feed whose updater the borrower rotates to themselves after assignment is refused at the next refresh", async () => {
    const { bob } = r;
    const f = await newFeed(bob.wallet, r.scorer.address); // bob owns it, the scorer updates it: accepted
    await send(as(r.pool, r.owner), "assignFeed", bob.wallet.address, f);
    await send(as(r.oracle, bob.wallet), "setUpdater", f, bob.wallet.address);
    const p = await proveScore(r.model, healthy, await now());
    await send(as(r.oracle, bob.wallet), "submit", f, ...settleArgs(p.proof, p.publicSignals));
    expect(await refused(r.pool.getFunction("updateLimit").staticCall(bob.wallet.address))).toBe(`WrongScorer(${f}, ${r.scorer.address}, ${bob.wallet.address})`);
    expect((await r.pool.getFunction("credit")(bob.wallet.address)).limit).toBe(0n);
  });

  it("limitFor counts a negative score as no risk, never above maxCredit, and lends nothing at maxRisk and above", async () => {
    for (const s of [-128n, -1n, 0n, 1n, 63n, 64n, 127n]) expect(await r.pool.getFunction("limitFor")(s)).toBe(limitFor(r.config, s));
    expect(await r.pool.getFunction("limitFor")(-128n)).toBe(r.config.maxCredit);
  });
});
