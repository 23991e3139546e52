/**
 * ModelRegistry and InferenceEscrow on a real local chain (Hardhat node over JSON-RPC) with real
 * digits-mlp Groth16 proofs: payment for a valid proof, every named revert, reentrancy.
 * A second "model" is the same circuit under another phase-2 contribution (another verifying
 * key), so its proofs are valid for it and invalid for digits-mlp, as a different model's are.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, id as keccakText, type Contract } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { deployVerifier, exportGroth16Verifier } from "../verifier-contracts/groth16-verifier.ts";
import { compileZkinfer, deployContract, deployZkinfer, NO_WEIGHTS_COMMITMENT as NO_WEIGHTS, registerModel, registrationFromManifest, registryLayout, type RegistryLayout, revertErrorName, settleArgs, type ZkinferArtifacts } from "../verifier-contracts/contracts.ts";
import { proveModelInputs, type ModelProofs } from "../verifier-contracts/model-proofs.ts";
import { proveGroth16, type ProofResult } from "../prover/prove.ts";
import { loadSnarkjs, terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { makeTempDir, type TempDir } from "./helpers/temp-dir.ts";
import { BN254_Q } from "../prover/field.ts";

const Q = BN254_Q;
const PRICE = 10n ** 16n;
const inputs = splitDigits(loadDigits()).test.slice(0, 5).map((s) => s.pixels);

let chain: LocalChain | undefined;
let tmp: TempDir;
let A: ModelProofs; // digits-mlp, one proof per input
let proofsB: ProofResult[]; // model B: inputs[0], inputs[1]
let artifacts: ZkinferArtifacts;
let deployer: Wallet, client: Wallet, operator: Wallet, stranger: Wallet;
let registry: Contract, escrow: Contract;
let modelA: string, modelB: string;

/** digits-mlp's registered layout with `o` changed. */
const L = (o: Partial<RegistryLayout> = {}): RegistryLayout => ({ ...registryLayout(registrationFromManifest(A.model.manifest)), ...o });
const commit = (p: ProofResult) => BigInt(p.publicSignals[0]);
const args = (p: ProofResult) => settleArgs(p.proof, p.publicSignals);

async function expectRevert(sent: Promise<unknown>, c: Contract, name: string): Promise<void> {
  let err: unknown;
  try { await sent; } catch (e) { err = e; }
  if (err === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`);
  expect(revertErrorName(c, err), String(err).slice(0, 300)).toBe(name);
}

async function send(c: Contract, fn: string, ...a: unknown[]) {
  const tx = await c.getFunction(fn)(...a);
  return tx.wait();
}

async function deadlineIn(secs: number): Promise<bigint> {
  return BigInt((await chain!.provider.getBlock("latest"))!.timestamp + secs);
}

async function open(model: string, commitment: bigint, opts: { secs?: number; payee?: string; as?: Wallet } = {}): Promise<bigint> {
  const c = escrow.connect(opts.as ?? client) as Contract;
  await send(c, "openRequest", model, commitment, opts.payee ?? operator.address, await deadlineIn(opts.secs ?? 3600), { value: PRICE });
  return (await escrow.getFunction("nextRequestId")()) - 1n;
}

async function timeTravel(secs: number) {
  await chain!.provider.send("evm_increaseTime", [secs]);
  await chain!.provider.send("evm_mine", []);
}

beforeAll(async () => {
  tmp = makeTempDir("zkinfer-contracts-escrow-");
  const chainP = startLocalChain();
  artifacts = compileZkinfer({ withTestContracts: true });
  A = await proveModelInputs("digits-mlp", inputs);
  // Model B: a second phase-2 contribution on A's zkey (fast for 1.5k constraints).
  const zkeyB = tmp.file("model-b.zkey");
  const made = await (await loadSnarkjs()).zKey.beacon(A.zkeyPath, zkeyB, "model B", "0b".repeat(32), 10);
  if (made === false) throw new Error("snarkjs zKey.beacon failed for model B");
  proofsB = [await proveGroth16(zkeyB, A.wasmPath, inputs[0]), await proveGroth16(zkeyB, A.wasmPath, inputs[1])];
  const solB = await exportGroth16Verifier(zkeyB);

  chain = await chainP;
  [deployer, client, operator, stranger] = chain.privateKeys.slice(0, 4).map((k) => new Wallet(k, chain!.provider));
  ({ registry, escrow } = await deployZkinfer(deployer, { artifacts }));
  const verifierA = await deployVerifier(deployer, A.verifierSol);
  const verifierB = await deployVerifier(deployer, solB);
  modelA = registrationFromManifest(A.model.manifest).modelId;
  await registerModel(registry, A.model.manifest, await verifierA.getAddress(), "ipfs://digits-mlp");
  modelB = keccakText("model B: digits-mlp under another verifying key");
  await registerModel(registry, { ...A.model.manifest, modelId: modelB.slice(2) }, await verifierB.getAddress(), "ipfs://model-b");
});

afterAll(async () => {
  await chain?.stop();
  tmp?.remove();
  await terminateSnarkjsCurves();
});

describe("ModelRegistry", () => {
  it("register stores the record with the selector of verifyProof for nPublic", async () => {
    const m = await registry.getFunction("model")(modelA);
    expect(Number(m.nPublic)).toBe(11);
    expect(Number(m.commitmentIndex)).toBe(0);
    expect(Number(m.visibility)).toBe(1); // input hashed, output public, weights fixed
    expect(Number(m.weightsIndex)).toBe(NO_WEIGHTS); // fixed weights: the verifying key binds them
    expect(await registry.getFunction("weightsCommitment")(modelA)).toBe(0n);
    expect(m.deprecated).toBe(false);
    expect(m.selector).toBe(keccakText("verifyProof(uint256[2],uint256[2][2],uint256[2],uint256[11])").slice(0, 10));
    expect(await registry.getFunction("metadataURI")(modelA)).toBe("ipfs://digits-mlp");
  });

  it("register reverts if the model id is already registered", async () => {
    const m = await registry.getFunction("model")(modelA);
    await expectRevert(registry.getFunction("register")(modelA, m.verifier, L(), 0n, "ipfs://again"), registry, "ModelAlreadyRegistered");
  });

  it("register reverts if the caller is not the owner", async () => {
    const m = await registry.getFunction("model")(modelA);
    await expectRevert((registry.connect(stranger) as Contract).getFunction("register")(keccakText("x"), m.verifier, L(), 0n, ""), registry, "NotOwner");
  });

  it("register reverts if the verifier has no code or the commitment index contradicts the visibility", async () => {
    const m = await registry.getFunction("model")(modelA);
    await expectRevert(registry.getFunction("register")(keccakText("y"), stranger.address, L(), 0n, ""), registry, "VerifierHasNoCode");
    await expectRevert(registry.getFunction("register")(keccakText("y"), m.verifier, L({ commitmentIndex: 11 }), 0n, ""), registry, "InvalidCommitmentIndex");
    await expectRevert(registry.getFunction("register")(keccakText("y"), m.verifier, L({ visibility: 0 }), 0n, ""), registry, "InvalidCommitmentIndex");
  });

  it("deprecate reverts if the caller is not the owner, or if already deprecated", async () => {
    const id = keccakText("model C");
    const m = await registry.getFunction("model")(modelA);
    await send(registry, "register", id, m.verifier, L(), 0n, "ipfs://c");
    await expectRevert((registry.connect(stranger) as Contract).getFunction("deprecate")(id), registry, "NotOwner");
    await send(registry, "deprecate", id);
    expect((await registry.getFunction("model")(id)).deprecated).toBe(true);
    await expectRevert(registry.getFunction("deprecate")(id), registry, "ModelAlreadyDeprecated");
    await expectRevert(registry.getFunction("deprecate")(keccakText("never registered")), registry, "ModelNotRegistered");
    // The events give the full history, indexed by model id.
    const registered = await registry.queryFilter(registry.filters.ModelRegistered!(id));
    const deprecated = await registry.queryFilter(registry.filters.ModelDeprecated!(id));
    expect(registered).toHaveLength(1);
    expect(deprecated).toHaveLength(1);
    expect((registered[0] as unknown as { args: { metadataURI: string } }).args.metadataURI).toBe("ipfs://c");
    expect(deprecated[0]!.blockNumber).toBeGreaterThan(registered[0]!.blockNumber);
  });
});

describe("InferenceEscrow", () => {
  it("settle with a valid proof pays the operator in ETH", async () => {
    const p = A.proofs[0]!;
    const id = await open(modelA, commit(p));
    const before = await chain!.provider.getBalance(operator.address);
    const receipt = await send(escrow.connect(stranger) as Contract, "settle", id, ...args(p)); // anyone may submit
    expect(await chain!.provider.getBalance(operator.address)).toBe(before + PRICE);
    const r = await escrow.getFunction("request")(id);
    expect(Number(r.status)).toBe(2);
    const ev = escrow.interface.parseLog(receipt.logs[0]);
    expect(ev?.name).toBe("RequestSettled");
    expect(ev?.args.requestId).toBe(id);
  });

  it("settle with a valid proof pays the operator in an ERC-20", async () => {
    const token = await deployContract(deployer, artifacts, "TestERC20");
    await send(token, "mint", client.address, 5n * 10n ** 18n);
    await send(token.connect(client) as Contract, "approve", await escrow.getAddress(), 10n ** 18n);
    const p = A.proofs[2]!;
    await send(escrow.connect(client) as Contract, "openRequestWithToken", modelA, commit(p), operator.address, await deadlineIn(3600), await token.getAddress(), 10n ** 18n);
    const id = (await escrow.getFunction("nextRequestId")()) - 1n;
    expect(await token.getFunction("balanceOf")(await escrow.getAddress())).toBe(10n ** 18n);
    await send(escrow, "settle", id, ...args(p));
    expect(await token.getFunction("balanceOf")(operator.address)).toBe(10n ** 18n);
    expect(await token.getFunction("balanceOf")(await escrow.getAddress())).toBe(0n);
  });

  it("settle reverts if the proof is for another model", async () => {
    const id = await open(modelA, commit(A.proofs[1]!));
    await expectRevert(escrow.getFunction("settle")(id, ...args(proofsB[1]!)), escrow, "InvalidProof");
    // and openRequest reverts for a model that is not registered
    await expectRevert(escrow.connect(client).getFunction("openRequest")(keccakText("nope"), 1n, operator.address, await deadlineIn(60), { value: PRICE }), escrow, "ModelNotRegistered");
  });

  it("settle reverts if the proof is for another input commitment", async () => {
    const id = await open(modelA, commit(A.proofs[1]!));
    await expectRevert(escrow.getFunction("settle")(id, ...args(A.proofs[3]!)), escrow, "InputCommitmentMismatch");
  });

  it("settle reverts if the proof is tampered with", async () => {
    const p = A.proofs[1]!;
    const id = await open(modelA, commit(p));
    const [proof, pub] = args(p);
    const negA = [proof[0], Q - proof[1]!, ...proof.slice(2)]; // -A is on the curve, the pairing fails
    await expectRevert(escrow.getFunction("settle")(id, negA, pub), escrow, "InvalidProof");
    const moreConfident = [...pub];
    moreConfident[5] = moreConfident[5]! + 1n; // one logit claimed one higher
    await expectRevert(escrow.getFunction("settle")(id, proof, moreConfident), escrow, "InvalidProof");
    await expectRevert(escrow.getFunction("settle")(id, proof, pub.slice(0, 10)), escrow, "PublicSignalCountMismatch");
    await send(escrow, "settle", id, proof, pub); // the untampered proof still settles it
  });

  it("the same proof settles a second request for the same input, paying that request's own operator", async () => {
    // No replay map: each request is paid once, to the payee fixed at opening (see the escrow's NatSpec).
    const p = A.proofs[3]!;
    const first = await open(modelA, commit(p));
    const second = await open(modelA, commit(p), { payee: stranger.address }); // same input asked twice
    await send(escrow, "settle", first, ...args(p));
    const before = await chain!.provider.getBalance(stranger.address);
    await send(escrow, "settle", second, ...args(p));
    expect(await chain!.provider.getBalance(stranger.address)).toBe(before + PRICE);
    await expectRevert(escrow.getFunction("settle")(second, ...args(p)), escrow, "RequestAlreadySettled");
  });

  it("settle reverts if the request is already settled", async () => {
    const p = A.proofs[4]!;
    const id = await open(modelA, commit(p));
    await send(escrow, "settle", id, ...args(p));
    const fresh = await proveGroth16(A.zkeyPath, A.wasmPath, inputs[4]!);
    await expectRevert(escrow.getFunction("settle")(id, ...args(fresh)), escrow, "RequestAlreadySettled");
    await expectRevert(escrow.getFunction("refund")(id), escrow, "RequestAlreadySettled");
    await expectRevert(escrow.getFunction("settle")(999_999n, ...args(fresh)), escrow, "RequestNotFound");
  });

  it("refund reverts before the deadline; after it the client is refunded and settle reverts", async () => {
    const p = A.proofs[1]!;
    const id = await open(modelA, commit(p), { secs: 120 });
    await expectRevert(escrow.getFunction("refund")(id), escrow, "DeadlineNotReached");
    await timeTravel(121);
    await expectRevert(escrow.getFunction("settle")(id, ...args(p)), escrow, "DeadlinePassed");
    const before = await chain!.provider.getBalance(client.address);
    await send(escrow.connect(stranger) as Contract, "refund", id); // anyone may trigger; the client is paid
    expect(await chain!.provider.getBalance(client.address)).toBe(before + PRICE);
    await expectRevert(escrow.getFunction("settle")(id, ...args(p)), escrow, "RequestAlreadyRefunded");
    await expectRevert(escrow.getFunction("refund")(id), escrow, "RequestAlreadyRefunded");
  });

  it("a request opened before its model's deprecation still settles; new requests revert", async () => {
    const id = await open(modelB, commit(proofsB[0]!));
    await send(registry, "deprecate", modelB);
    await send(escrow, "settle", id, ...args(proofsB[0]!));
    expect(Number((await escrow.getFunction("request")(id)).status)).toBe(2);
    await expectRevert(escrow.connect(client).getFunction("openRequest")(modelB, commit(proofsB[0]!), operator.address, await deadlineIn(60), { value: PRICE }), escrow, "ModelDeprecated");
  });

  it("a reentrant operator cannot settle twice from its payout", async () => {
    const attacker = await deployContract(deployer, artifacts, "ReentrantReceiver", await escrow.getAddress());
    const fresh = await proveGroth16(A.zkeyPath, A.wasmPath, inputs[0]!);
    const id = await open(modelA, commit(fresh), { payee: await attacker.getAddress() });
    await send(attacker, "arm", escrow.interface.encodeFunctionData("settle", [id, ...args(fresh)]));
    const escrowBefore = await chain!.provider.getBalance(await escrow.getAddress());
    await send(escrow, "settle", id, ...args(fresh));
    expect(await attacker.getFunction("reentered")()).toBe(true);
    expect(await attacker.getFunction("reentrySucceeded")()).toBe(false);
    expect(escrow.interface.parseError(await attacker.getFunction("reentryResult")())?.name).toBe("Reentrancy");
    expect(await chain!.provider.getBalance(await attacker.getAddress())).toBe(PRICE);
    expect(await chain!.provider.getBalance(await escrow.getAddress())).toBe(escrowBefore - PRICE);
  });

  it("a reentrant client cannot be refunded twice", async () => {
    const attacker = await deployContract(deployer, artifacts, "ReentrantReceiver", await escrow.getAddress());
    const openData = escrow.interface.encodeFunctionData("openRequest", [modelA, commit(A.proofs[1]!), operator.address, await deadlineIn(60)]);
    await send(attacker, "forward", openData, { value: PRICE });
    const id = (await escrow.getFunction("nextRequestId")()) - 1n;
    await timeTravel(61);
    await send(attacker, "arm", escrow.interface.encodeFunctionData("refund", [id]));
    await send(attacker, "forward", escrow.interface.encodeFunctionData("refund", [id]));
    expect(await attacker.getFunction("reentrySucceeded")()).toBe(false);
    expect(escrow.interface.parseError(await attacker.getFunction("reentryResult")())?.name).toBe("Reentrancy");
    expect(await chain!.provider.getBalance(await attacker.getAddress())).toBe(PRICE);
  });
});
