/**
 * ProvenOracle on a real local chain with real digits-mlp proofs, and an example consumer
 * (RiskLendingPool, src/test/) that lends only on a fresh, low enough proven score.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, id as keccakText, type Contract } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { deployVerifier } from "../verifier-contracts/groth16-verifier.ts";
import { compileZkinfer, deployContract, deployZkinfer, registerModel, registrationFromManifest, registryLayout, revertErrorName, settleArgs, type ZkinferArtifacts } from "../verifier-contracts/contracts.ts";
import { proveModelInputs, type ModelProofs } from "../verifier-contracts/model-proofs.ts";
import { decodePublicSignals, type ProofResult } from "../prover/prove.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";

let chain: LocalChain | undefined;
let A: ModelProofs;
let artifacts: ZkinferArtifacts;
let deployer: Wallet, updater: Wallet, stranger: Wallet;
let registry: Contract, oracle: Contract;
let modelA: string;
let feedId: bigint;
/** The published output: out[k] sits at public signal k + 1; k is chosen so proof 0's value is negative. */
let k: number;

const args = (p: ProofResult) => settleArgs(p.proof, p.publicSignals);
const output = (p: ProofResult) => decodePublicSignals(p.publicSignals).output[k]!;

async function expectRevert(sent: Promise<unknown>, c: Contract, name: string): Promise<void> {
  let err: unknown;
  try { await sent; } catch (e) { err = e; }
  if (err === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`);
  expect(revertErrorName(c, err), String(err).slice(0, 300)).toBe(name);
}
async function send(c: Contract, fn: string, ...a: unknown[]) {
  return (await c.getFunction(fn)(...a)).wait();
}
async function timeTravel(secs: number) {
  await chain!.provider.send("evm_increaseTime", [secs]);
  await chain!.provider.send("evm_mine", []);
}

beforeAll(async () => {
  const chainP = startLocalChain();
  artifacts = compileZkinfer({ withTestContracts: true });
  A = await proveModelInputs("digits-mlp", splitDigits(loadDigits()).test.slice(0, 2).map((s) => s.pixels));
  k = decodePublicSignals(A.proofs[0]!.publicSignals).output.findIndex((v) => v < 0n);
  chain = await chainP;
  [deployer, updater, stranger] = chain.privateKeys.slice(0, 3).map((key) => new Wallet(key, chain!.provider));
  ({ registry, oracle } = await deployZkinfer(deployer, { artifacts }));
  const verifier = await deployVerifier(deployer, A.verifierSol);
  modelA = registrationFromManifest(A.model.manifest).modelId;
  await registerModel(registry, A.model.manifest, await verifier.getAddress(), "ipfs://digits-mlp");
  await send(oracle, "createFeed", modelA, k + 1, updater.address);
  feedId = (await oracle.getFunction("nextFeedId")()) - 1n;
});

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
});

describe("ProvenOracle", () => {
  it("latest reverts before the first value", async () => {
    expect(k).toBeGreaterThanOrEqual(0);
    await expectRevert(oracle.getFunction("latest")(feedId, 3600), oracle, "NoValue");
  });

  it("createFeed reverts for the input commitment's position or past the public signals", async () => {
    await expectRevert(oracle.getFunction("createFeed")(modelA, 0, updater.address), oracle, "InvalidOutputIndex");
    await expectRevert(oracle.getFunction("createFeed")(modelA, 11, updater.address), oracle, "InvalidOutputIndex");
    await expectRevert(oracle.getFunction("createFeed")(keccakText("unknown"), 1, updater.address), oracle, "ModelNotRegistered");
  });

  it("submit reverts if the caller is not the feed's updater, or the proof is tampered with", async () => {
    const p = A.proofs[0]!;
    await expectRevert((oracle.connect(stranger) as Contract).getFunction("submit")(feedId, ...args(p)), oracle, "NotUpdater");
    const [proof, pub] = args(p);
    const lower = [...pub];
    lower[k + 1] = lower[k + 1]! - 1n;
    await expectRevert((oracle.connect(updater) as Contract).getFunction("submit")(feedId, proof, lower), oracle, "InvalidProof");
  });

  it("submit stores the proven output as a signed integer with the block timestamp", async () => {
    const p = A.proofs[0]!;
    const receipt = await send(oracle.connect(updater) as Contract, "submit", feedId, ...args(p));
    const block = await chain!.provider.getBlock(receipt.blockNumber);
    const [value, updatedAt] = await oracle.getFunction("latest")(feedId, 3600);
    expect(output(p)).toBeLessThan(0n); // a field element above r/2 read back as negative
    expect(value).toBe(output(p));
    expect(Number(updatedAt)).toBe(block!.timestamp);
    const f = await oracle.getFunction("feed")(feedId);
    expect(f.inputCommitment).toBe(BigInt(p.publicSignals[0]!));
  });

  it("latest reverts when the value is older than the consumer's bound", async () => {
    await timeTravel(120);
    await expectRevert(oracle.getFunction("latest")(feedId, 60), oracle, "StaleValue");
    const [value] = await oracle.getFunction("latest")(feedId, 3600); // a looser bound still reads it
    expect(value).toBe(output(A.proofs[0]!));
  });

  it("the lending pool lends on a fresh, low score and refuses a stale or too risky one", async () => {
    const p = A.proofs[1]!;
    await send(oracle.connect(updater) as Contract, "submit", feedId, ...args(p));
    const score = output(p);
    const oracleAddress = await oracle.getAddress();
    const lenient = await deployContract(deployer, artifacts, "RiskLendingPool", oracleAddress, feedId, 600, score, { value: 10n ** 18n });
    const strict = await deployContract(deployer, artifacts, "RiskLendingPool", oracleAddress, feedId, 600, score - 1n, { value: 10n ** 18n });
    const before = await chain!.provider.getBalance(await lenient.getAddress());
    await send(lenient.connect(stranger) as Contract, "borrow", 10n ** 17n);
    expect(await chain!.provider.getBalance(await lenient.getAddress())).toBe(before - 10n ** 17n);
    await expectRevert((strict.connect(stranger) as Contract).getFunction("borrow")(10n ** 17n), strict, "TooRisky");
    await timeTravel(601);
    // The oracle's StaleValue bubbles up through the pool.
    await expectRevert((lenient.connect(stranger) as Contract).getFunction("borrow")(10n ** 17n), oracle, "StaleValue");
  });

  it("submit reverts once the feed's model is deprecated", async () => {
    const id = keccakText("digits-mlp, deprecated copy");
    const m = await registry.getFunction("model")(modelA);
    await send(registry, "register", id, m.verifier, registryLayout(registrationFromManifest(A.model.manifest)), 0n, "");
    await send(oracle, "createFeed", id, k + 1, updater.address);
    const f = (await oracle.getFunction("nextFeedId")()) - 1n;
    await send(registry, "deprecate", id);
    await expectRevert((oracle.connect(updater) as Contract).getFunction("submit")(f, ...args(A.proofs[0]!)), oracle, "ModelDeprecated");
    await expectRevert(oracle.getFunction("createFeed")(id, k + 1, updater.address), oracle, "ModelDeprecated");
  });
});
