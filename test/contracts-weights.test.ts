/**
 * Hashed weights on chain (a real local Hardhat node, real Groth16 proofs): the registry keeps a
 * hashed-weights model's weights commitment, and InferenceEscrow.settle rejects the zero-weights
 * forgery (test/helpers/zero-weights.ts), which the model's verifier alone accepts, while the
 * honest proof settles; ProvenOracle.submit refuses the same forgery (the fixture's circuit has a
 * nonce, so it can feed an oracle) and publishes the honest value. Also every registry refusal.
 */
import path from "node:path";
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, Wallet, id as keccakText } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { deployZkinfer, findRevertData, NO_NONCE, NO_WEIGHTS_COMMITMENT, registrationFromManifest, revertErrorName, settleArgs } from "../verifier-contracts/contracts.ts";
import { deployModel } from "../verifier-contracts/deploy-model.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { BN254_R } from "../prover/field.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { decodePublicSignals, proveGroth16, type ProofResult } from "../prover/prove.ts";
import { zeroWeightsFixture, type ZeroWeightsFixture } from "./helpers/zero-weights.ts";

const modelsDir = path.join(REPO_ROOT, "build", `contracts-weights-test-${process.pid}`);
const WEIGHTS_HASHED_INPUT_HASHED = 4 | 1;
let f: ZeroWeightsFixture;
let chain: LocalChain | undefined;
let deployer: Wallet, client: Wallet, operator: Wallet;
let registry: Contract, escrow: Contract, oracle: Contract, verifier: Contract;
let modelId: string;
let expected: bigint;

const args = (p: ProofResult) => settleArgs(p.proof, p.publicSignals);
const call = (c: Contract, fn: string, ...a: unknown[]) => c.getFunction(fn)(...a);
const send = async (c: Contract, fn: string, ...a: unknown[]) => (await call(c, fn, ...a)).wait();

async function expectRevert(sent: Promise<unknown>, c: Contract, name: string): Promise<void> {
  let err: unknown;
  try { await sent; } catch (e) { err = e; }
  if (err === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`);
  expect(revertErrorName(c, err), String(err).slice(0, 300)).toBe(name);
}

beforeAll(async () => {
  const chainP = startLocalChain();
  f = await zeroWeightsFixture(modelsDir);
  chain = await chainP;
  [deployer, client, operator] = chain.privateKeys.slice(0, 3).map((k) => new Wallet(k, chain!.provider));
  ({ registry, escrow, oracle } = await deployZkinfer(deployer));
  const r = await deployModel(deployer, registry, { manifest: f.model.manifest, zkeyPath: f.zkeyPath, metadataURI: "zkinfer:hashed" });
  modelId = r.modelId;
  const nPublic = f.model.manifest.publicSignals.length;
  verifier = new Contract(r.verifier, [`function verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[${nPublic}]) view returns (bool)`], deployer);
  expected = BigInt(f.model.manifest.weightsCommitment!);
}, 600_000);

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
  rmSync(modelsDir, { recursive: true, force: true });
});

describe("hashed weights on chain", () => {
  it("register stores the weights commitment and its signal index, and says so in the event", async () => {
    const m = await call(registry, "model", modelId);
    expect(Number(m.visibility)).toBe(WEIGHTS_HASHED_INPUT_HASHED);
    expect(Number(m.weightsIndex)).toBe(f.model.manifest.publicSignals.indexOf("weightsCommitment"));
    expect(await call(registry, "weightsCommitment", modelId)).toBe(expected);
    const [ev] = await registry.queryFilter(registry.filters.ModelRegistered!(modelId));
    const a = (ev as unknown as { args: { layout: { weightsIndex: bigint; outputOffset: bigint; outputCount: bigint }; weightsCommitment: bigint } }).args;
    const nOut = f.model.manifest.publicSignals.filter((s) => s.startsWith("out[")).length;
    expect([Number(a.layout.weightsIndex), Number(a.layout.outputOffset), Number(a.layout.outputCount), a.weightsCommitment]).toEqual([1, 2, nOut, expected]);
    // deploy again: the existing record names the same weights, so it is the answer.
    expect((await deployModel(deployer, registry, { manifest: f.model.manifest, zkeyPath: f.zkeyPath, metadataURI: "" })).registered).toBe(false);
    await expect(deployModel(deployer, registry, { manifest: { ...f.model.manifest, weightsCommitment: "7" }, zkeyPath: f.zkeyPath, metadataURI: "" })).rejects.toThrow(
      `registry has id ${modelId} with weights commitment ${expected}, the manifest says 7`,
    );
  });

  it("the model's verifier alone accepts the zero-weights proof (the attack is real on chain)", async () => {
    const [p, pub] = args(f.forged);
    expect(await verifier.getFunction("verifyProof")([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], pub)).toBe(true);
  });

  it("settle reverts with WeightsCommitmentMismatch for the zero-weights proof, and pays for the honest one", async () => {
    const commitment = BigInt(f.honest.publicSignals[0]);
    const deadline = (await chain!.provider.getBlock("latest"))!.timestamp + 3600;
    await send(escrow.connect(client) as Contract, "openRequest", modelId, commitment, operator.address, deadline, { value: 10n ** 16n });
    const id = (await call(escrow, "nextRequestId")) - 1n;
    const forgedW = BigInt(f.forged.publicSignals[1]);
    let err: unknown;
    try { await call(escrow, "settle", id, ...args(f.forged)); } catch (e) { err = e; }
    const decoded = escrow.interface.parseError(findRevertData(err) ?? "0x");
    expect(decoded?.name, String(err).slice(0, 300)).toBe("WeightsCommitmentMismatch");
    expect(decoded!.args.map(BigInt)).toEqual([id, expected, forgedW]);
    const before = await chain!.provider.getBalance(operator.address);
    const receipt = await send(escrow, "settle", id, ...args(f.honest));
    console.log(`settle (ETH) of a hashed-weights model, ${f.model.manifest.publicSignals.length} public signals: ${receipt.gasUsed} gas`);
    expect(await chain!.provider.getBalance(operator.address)).toBe(before + 10n ** 16n);
  });

  it("ProvenOracle.submit refuses the zero-weights forgery the verifier accepts, and publishes the honest value at its time", async () => {
    const layout = f.model.manifest.publicSignals;
    expect([layout[1], layout.at(-1)]).toEqual(["weightsCommitment", "nonce"]);
    const lastOut = Math.max(...layout.map((s, i) => (s.startsWith("out[") ? i : -1)));
    await send(oracle, "createFeed", modelId, lastOut, deployer.address);
    const feedId = (await call(oracle, "nextFeedId")) - 1n;
    const t = (await chain!.provider.getBlock("latest"))!.timestamp - 5;
    const forged = await proveGroth16(f.zkeyPath, f.wasmPath, { ...f.inputs.forged, nonce: BigInt(t) });
    const honest = await proveGroth16(f.zkeyPath, f.wasmPath, { ...f.inputs.honest, nonce: BigInt(t) });
    expect(decodePublicSignals(forged.publicSignals, layout).output.map(Number)).toEqual(f.forgedOutput);
    const [p, pub] = args(forged);
    expect(await call(verifier, "verifyProof", [p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], pub)).toBe(true);
    let err: unknown;
    try { await call(oracle, "submit", feedId, ...args(forged)); } catch (e) { err = e; }
    const decoded = oracle.interface.parseError(findRevertData(err) ?? "0x");
    expect(decoded?.name, String(err).slice(0, 300)).toBe("WeightsCommitmentMismatch");
    expect(decoded!.args.map(BigInt)).toEqual([feedId, expected, BigInt(forged.publicSignals[1]!)]);
    await send(oracle, "submit", feedId, ...args(honest));
    const [value, updatedAt] = await call(oracle, "latest", feedId, 60);
    expect([value, Number(updatedAt)]).toEqual([BigInt(honest.publicSignals[lastOut]), t]);
  });
});

describe("ModelRegistry refusals for weights commitments", () => {
  const reg = (id: string, nPublic: number, commitmentIndex: number, visibility: number, weightsIndex: number, commitment: bigint) =>
    call(registry, "register", keccakText(id), verifier.target, layout(nPublic, commitmentIndex, visibility, weightsIndex), commitment, "");
  // The public signals of these circuits end with 10 plain outputs.
  const layout = (nPublic: number, commitmentIndex: number, visibility: number, weightsIndex: number) =>
    ({ nPublic, commitmentIndex, weightsIndex, outputOffset: nPublic - 10, outputCount: 10, nonceIndex: NO_NONCE, visibility });

  it("refuses a hashed-weights model without a commitment, with an index out of range or on the input commitment, or a commitment >= r", async () => {
    await expectRevert(reg("a", 12, 0, WEIGHTS_HASHED_INPUT_HASHED, 1, 0n), registry, "MissingWeightsCommitment");
    await expectRevert(reg("a", 12, 0, WEIGHTS_HASHED_INPUT_HASHED, 12, expected), registry, "InvalidWeightsIndex");
    await expectRevert(reg("a", 12, 0, WEIGHTS_HASHED_INPUT_HASHED, NO_WEIGHTS_COMMITMENT, expected), registry, "InvalidWeightsIndex");
    await expectRevert(reg("a", 12, 0, WEIGHTS_HASHED_INPUT_HASHED, 0, expected), registry, "InvalidWeightsIndex");
    await expectRevert(reg("a", 12, 0, WEIGHTS_HASHED_INPUT_HASHED, 1, BN254_R), registry, "WeightsCommitmentNotInField");
    await send(registry, "register", keccakText("a"), verifier.target, layout(12, 0, WEIGHTS_HASHED_INPUT_HASHED, 1), BN254_R - 1n, "");
  });

  it("refuses a fixed-weights model with a weights commitment or index", async () => {
    await expectRevert(reg("b", 11, 0, 1, NO_WEIGHTS_COMMITMENT, expected), registry, "UnexpectedWeightsCommitment");
    await expectRevert(reg("b", 11, 0, 1, 1, 0n), registry, "InvalidWeightsIndex");
    await send(registry, "register", keccakText("b"), verifier.target, layout(11, 0, 1, NO_WEIGHTS_COMMITMENT), 0n, "");
    expect(await call(registry, "weightsCommitment", keccakText("b"))).toBe(0n);
    await expectRevert(call(registry, "weightsCommitment", keccakText("never")), registry, "ModelNotRegistered");
  });

  it("registrationFromManifest refuses a hashed-weights manifest without its commitment, naming the field", () => {
    const { weightsCommitment: _, ...stale } = f.model.manifest;
    expect(() => registrationFromManifest(stale)).toThrow(`model ${f.model.manifest.name}: manifest weightsCommitment must be a decimal string for hashed weights, got undefined`);
    expect(registrationFromManifest(f.model.manifest)).toMatchObject({ weightsIndex: 1, weightsCommitment: expected, visibility: WEIGHTS_HASHED_INPUT_HASHED });
  });
});
