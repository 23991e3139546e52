/**
 * Attacks on InferenceEscrow on a real local chain with real digits-mlp proofs: the proof
 * front-run (a client burning its operator's proof on a request of its own), malleated proofs,
 * hashed-output models, a verifier whose code changes after registration, and receivers that
 * refuse ETH (pull payments). Each attack is a test that failed against the earlier escrow.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getAddress, id as keccakText, keccak256, type Contract, type TransactionReceipt } from "ethers";
import { deployContract, registerModel, registrationFromManifest, registryLayout } from "../verifier-contracts/contracts.ts";
import { deployVerifier } from "../verifier-contracts/groth16-verifier.ts";
import { proveHashedOutputVariant } from "../verifier-contracts/model-proofs.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { argsOf, commitOf, deadlineIn, expectRevert, lastRequestId, send, startEscrowFixture, timeTravel, type EscrowFixture } from "./helpers/escrow-fixture.ts";
import { BN254_Q } from "../prover/field.ts";

const Q = BN254_Q;
const ONE_ETH = 10n ** 18n;
const ETH = "0x0000000000000000000000000000000000000000";
const Status = { Open: 1, Settled: 2, Refunded: 3 };

let f: EscrowFixture;
const balance = (a: string) => f.chain.provider.getBalance(a);
const fee = (r: TransactionReceipt) => r.gasUsed * r.gasPrice;
const status = async (id: bigint) => Number((await f.escrow.getFunction("request")(id)).status);

async function open(opts: { commitment: bigint; payee: string; price?: bigint; secs?: number; as?: EscrowFixture["client"]; model?: string }) {
  const c = f.escrow.connect(opts.as ?? f.client) as Contract;
  await send(c, "openRequest", opts.model ?? f.modelA, opts.commitment, opts.payee, await deadlineIn(f.chain, opts.secs ?? 3600), { value: opts.price ?? ONE_ETH });
  return lastRequestId(f.escrow);
}

beforeAll(async () => {
  f = await startEscrowFixture(3);
});

afterAll(async () => {
  await f?.chain.stop();
  await terminateSnarkjsCurves();
});

describe("a proof cannot be taken from its request", () => {
  it("a client who settles a 1-wei request of its own with its operator's proof does not stop the operator being paid", async () => {
    const p = f.A.proofs[0]!;
    const a = await open({ commitment: commitOf(p), payee: f.operator.address }); // the real job, 1 ETH
    // The client reads O's proof (mempool, GET /v1/proofs) and burns it on request B, naming itself.
    const b = await open({ commitment: commitOf(p), payee: f.client.address, price: 1n });
    await send(f.escrow.connect(f.client) as Contract, "settle", b, ...argsOf(p));
    expect(await status(b)).toBe(Status.Settled);
    // O's settlement of A still goes through and O is paid the full price.
    const before = await balance(f.operator.address);
    const receipt = await send(f.escrow.connect(f.operator) as Contract, "settle", a, ...argsOf(p));
    expect(await balance(f.operator.address)).toBe(before + ONE_ETH - fee(receipt));
    expect(await status(a)).toBe(Status.Settled);
    // ... so the client cannot refund A after the deadline.
    await timeTravel(f.chain, 3601);
    await expectRevert(f.escrow.getFunction("refund")(a), f.escrow, `RequestAlreadySettled(${a})`);
  });

  it("a malleated copy of a proof (-A, -B, C) pays only the request's own operator", async () => {
    const p = f.A.proofs[1]!;
    const [proof, pub] = argsOf(p);
    const negated = [proof[0]!, Q - proof[1]!, proof[2]!, proof[3]!, Q - proof[4]!, Q - proof[5]!, proof[6]!, proof[7]!];
    const d = await open({ commitment: commitOf(p), payee: f.stranger.address });
    const strangerBefore = await balance(f.stranger.address);
    const clientBefore = await balance(f.client.address);
    // The client submits the malleated bytes: the payment still goes to D's operator, not to it.
    const receipt = await send(f.escrow.connect(f.client) as Contract, "settle", d, negated, pub);
    expect(await balance(f.stranger.address)).toBe(strangerBefore + ONE_ETH);
    expect(await balance(f.client.address)).toBe(clientBefore - fee(receipt));
    const ev = f.escrow.interface.parseLog(receipt.logs[0]!)!;
    expect(ev.name).toBe("RequestSettled");
    expect([ev.args.requestId, ev.args.operator, ev.args.token, ev.args.amount]).toEqual([d, f.stranger.address, ETH, ONE_ETH]);
    expect(ev.args.publicSignals.map(BigInt)).toEqual(pub);
    // The original bytes settle another request for the same input, paid to its own operator.
    const e = await open({ commitment: commitOf(p), payee: f.operator.address });
    const before = await balance(f.operator.address);
    await send(f.escrow.connect(f.stranger) as Contract, "settle", e, proof, pub);
    expect(await balance(f.operator.address)).toBe(before + ONE_ETH);
  });
});

describe("models the escrow refuses", () => {
  it("openRequest reverts with ModelOutputHashed for a model whose output is hashed, and nothing moves", async () => {
    const hashed = await proveHashedOutputVariant("digits-mlp", []);
    const reg = registrationFromManifest(hashed.model.manifest);
    expect(reg).toMatchObject({ nPublic: 2, commitmentIndex: 0, outputOffset: 1, outputCount: 0, visibility: 3 });
    const verifier = await deployVerifier(f.deployer, hashed.verifierSol);
    await registerModel(f.registry, hashed.model.manifest, await verifier.getAddress(), "ipfs://hashed");
    const escrowBefore = await balance(await f.escrow.getAddress());
    const next = await f.escrow.getFunction("nextRequestId")();
    await expectRevert(
      (f.escrow.connect(f.client) as Contract).getFunction("openRequest")(reg.modelId, commitOf(f.A.proofs[0]!), f.operator.address, await deadlineIn(f.chain, 60), { value: ONE_ETH }),
      f.escrow, `ModelOutputHashed(${reg.modelId})`);
    expect(await balance(await f.escrow.getAddress())).toBe(escrowBefore);
    expect(await f.escrow.getFunction("nextRequestId")()).toBe(next);
  });

  it("open and settle revert with VerifierCodeChanged once the verifier's code is not the registered code", async () => {
    // A second registration of digits-mlp with its own verifier instance, whose code the test
    // then replaces (hardhat_setCode stands in for a CREATE2 verifier destroyed and redeployed
    // with other code at the same address: the escrow sees only EXTCODEHASH either way).
    const verifier = await (await deployVerifier(f.deployer, f.A.verifierSol)).getAddress();
    const model = keccakText("digits-mlp with a mutable verifier");
    await send(f.registry, "register", model, verifier, registryLayout(registrationFromManifest(f.A.model.manifest)), 0n, "");
    const registered = keccak256(await f.chain.provider.getCode(verifier));
    expect((await f.registry.getFunction("model")(model)).verifierCodeHash).toBe(registered);
    const p = f.A.proofs[2]!;
    const id = await open({ commitment: commitOf(p), payee: f.stranger.address, model });
    expect((await f.escrow.getFunction("request")(id)).verifierCodeHash).toBe(registered);

    const alwaysTrue = "0x600160005260206000f3"; // returns the word 1 to any call
    await f.chain.provider.send("hardhat_setCode", [verifier, alwaysTrue]);
    const changed = keccak256(alwaysTrue);
    const [proof, pub] = argsOf(p);
    const garbage = proof.map(() => 1n);
    const escrowBefore = await balance(await f.escrow.getAddress());
    await expectRevert(f.escrow.getFunction("settle")(id, garbage, pub), f.escrow, `VerifierCodeChanged(${model}, ${registered}, ${changed})`);
    await expectRevert(f.escrow.getFunction("settle")(id, proof, pub), f.escrow, `VerifierCodeChanged(${model}, ${registered}, ${changed})`);
    await expectRevert(
      (f.escrow.connect(f.client) as Contract).getFunction("openRequest")(model, commitOf(p), f.operator.address, await deadlineIn(f.chain, 60), { value: ONE_ETH }),
      f.escrow, `VerifierCodeChanged(${model}, ${registered}, ${changed})`);
    expect(await balance(await f.escrow.getAddress())).toBe(escrowBefore);
    expect(await status(id)).toBe(Status.Open);
    // The client gets its deposit back after the deadline.
    await timeTravel(f.chain, 3601);
    await send(f.escrow, "refund", id);
    expect(await status(id)).toBe(Status.Refunded);
  });
});

describe("receivers that refuse ETH are owed, not locked out", () => {
  it("a refund to a client contract that rejects ETH is owed; only that client withdraws it, to another address", async () => {
    const wallet = await deployContract(f.deployer, f.artifacts, "RejectingReceiver");
    const addr = await wallet.getAddress();
    const escrowAddr = await f.escrow.getAddress();
    const openData = f.escrow.interface.encodeFunctionData("openRequest", [f.modelA, commitOf(f.A.proofs[0]!), f.operator.address, await deadlineIn(f.chain, 60)]);
    await send(wallet, "forward", escrowAddr, openData, { value: ONE_ETH });
    const id = await lastRequestId(f.escrow);
    await timeTravel(f.chain, 61);
    const escrowBefore = await balance(escrowAddr);
    const receipt = await send(f.escrow.connect(f.stranger) as Contract, "refund", id); // the push fails, the refund does not
    expect(await status(id)).toBe(Status.Refunded);
    const names = receipt.logs.map((l: { topics: string[]; data: string }) => f.escrow.interface.parseLog(l)!);
    expect(names.map((e: { name: string }) => e.name)).toEqual(["RequestRefunded", "PaymentDeferred"]);
    expect([...names[0].args]).toEqual([id, addr, ETH, ONE_ETH]);
    expect([...names[1].args]).toEqual([id, addr, ETH, ONE_ETH]);
    expect(await balance(escrowAddr)).toBe(escrowBefore);
    expect(await f.escrow.getFunction("owed")(ETH, addr)).toBe(ONE_ETH);

    // Nobody else can take it, not even to the client's own address.
    await expectRevert((f.escrow.connect(f.stranger) as Contract).getFunction("withdraw")(ETH, f.stranger.address), f.escrow, `NothingOwed(${ETH}, ${f.stranger.address})`);
    const withdraw = (to: string) => f.escrow.interface.encodeFunctionData("withdraw", [ETH, to]);
    await expectRevert(wallet.getFunction("forward")(escrowAddr, withdraw(ETH)), f.escrow, "ZeroRecipient()");
    // Paying itself still fails: the withdrawal reverts and the amount stays owed.
    await expectRevert(wallet.getFunction("forward")(escrowAddr, withdraw(addr)), f.escrow, `PayoutFailed(${ETH}, ${addr}, ${ONE_ETH})`);
    expect(await f.escrow.getFunction("owed")(ETH, addr)).toBe(ONE_ETH);
    const payee = getAddress(keccakText("payee").slice(0, 42));
    await send(wallet, "forward", escrowAddr, withdraw(payee));
    expect(await balance(payee)).toBe(ONE_ETH);
    expect(await f.escrow.getFunction("owed")(ETH, addr)).toBe(0n);
    expect(await balance(escrowAddr)).toBe(escrowBefore - ONE_ETH);
    const [w] = await f.escrow.queryFilter(f.escrow.filters.Withdrawn!(addr));
    expect([...(w as unknown as { args: unknown[] }).args]).toEqual([addr, payee, ETH, ONE_ETH]);
    await expectRevert(wallet.getFunction("forward")(escrowAddr, withdraw(payee)), f.escrow, `NothingOwed(${ETH}, ${addr})`);
  });

  it("settle with an operator that rejects ETH still settles, and the fee is owed to the operator", async () => {
    const wallet = await deployContract(f.deployer, f.artifacts, "RejectingReceiver");
    const addr = await wallet.getAddress();
    const p = f.A.proofs[1]!;
    const id = await open({ commitment: commitOf(p), payee: addr });
    const escrowBefore = await balance(await f.escrow.getAddress());
    await send(f.escrow.connect(f.stranger) as Contract, "settle", id, ...argsOf(p));
    expect(await status(id)).toBe(Status.Settled);
    expect(await f.escrow.getFunction("owed")(ETH, addr)).toBe(ONE_ETH);
    expect(await balance(await f.escrow.getAddress())).toBe(escrowBefore);
    // The client cannot refund it: settled is final.
    await timeTravel(f.chain, 3601);
    await expectRevert(f.escrow.getFunction("refund")(id), f.escrow, `RequestAlreadySettled(${id})`);
  });
});
