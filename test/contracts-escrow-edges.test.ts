/**
 * Edges an attacker would probe on InferenceEscrow, on a real local chain with real digits-mlp
 * proofs, each found safe: public signals aliased by the field order, the settle/refund boundary
 * at the deadline, the largest deadline, contracts that are not tokens (the escrow itself, the
 * registry, a verifier), and a payee that burns all the gas a push payment gives it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Contract } from "ethers";
import { deployContract } from "../verifier-contracts/contracts.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { argsOf, commitOf, deadlineIn, expectRevert, lastRequestId, send, startEscrowFixture, type EscrowFixture } from "./helpers/escrow-fixture.ts";
import { BN254_R } from "../prover/field.ts";

const R = BN254_R;
const ETH = "0x0000000000000000000000000000000000000000";
const PRICE = 10n ** 18n;
const Status = { Open: 1, Settled: 2, Refunded: 3 };
const U64_MAX = 2n ** 64n - 1n;

let f: EscrowFixture;
const status = async (id: bigint) => Number((await f.escrow.getFunction("request")(id)).status);

async function open(o: { payee?: string; deadline?: bigint; proof?: number } = {}): Promise<bigint> {
  const c = f.escrow.connect(f.client) as Contract;
  await send(c, "openRequest", f.modelA, commitOf(f.A.proofs[o.proof ?? 0]!), o.payee ?? f.operator.address, o.deadline ?? (await deadlineIn(f.chain, 3600)), { value: PRICE });
  return lastRequestId(f.escrow);
}

beforeAll(async () => {
  f = await startEscrowFixture(1);
});

afterAll(async () => {
  await f?.chain.stop();
  await terminateSnarkjsCurves();
});

describe("aliased public signals", () => {
  it("the input commitment plus r matches no request, and any other signal plus r fails the verifier: the request stays open", async () => {
    const id = await open();
    const [proof, pub] = argsOf(f.A.proofs[0]!);
    const commitmentAlias = [pub[0]! + R, ...pub.slice(1)];
    await expectRevert(f.escrow.getFunction("settle")(id, proof, commitmentAlias), f.escrow, `InputCommitmentMismatch(${id}, ${pub[0]}, ${pub[0]! + R})`);
    const outputAlias = [pub[0]!, pub[1]! + R, ...pub.slice(2)];
    await expectRevert(f.escrow.getFunction("settle")(id, proof, outputAlias), f.escrow, `InvalidProof(${id})`);
    expect(await status(id)).toBe(Status.Open);
    await send(f.escrow, "settle", id, proof, pub);
    expect(await status(id)).toBe(Status.Settled);
  });
});

describe("deadlines", () => {
  it("in the deadline's own block settle works and refund reverts; one second later refund works and settle reverts", async () => {
    const deadline = await deadlineIn(f.chain, 100);
    const [a, b, c] = [await open({ deadline }), await open({ deadline }), await open({ deadline })];
    const [proof, pub] = argsOf(f.A.proofs[0]!);
    const inBlock = async (ts: bigint, calls: [Contract, string, unknown[]][]) => {
      // One block at timestamp `ts` holding every call (explicit gas: estimating would revert).
      await f.chain.provider.send("evm_setAutomine", [false]);
      try {
        const txs = [];
        for (const [c, fn, args] of calls) txs.push(await c.getFunction(fn)(...args, { gasLimit: 1_000_000 }));
        await f.chain.provider.send("evm_setNextBlockTimestamp", [Number(ts)]);
        await f.chain.provider.send("evm_mine", []);
        return Promise.all(txs.map((t) => f.chain.provider.getTransactionReceipt(t.hash)));
      } finally {
        await f.chain.provider.send("evm_setAutomine", [true]);
      }
    };
    const at = await inBlock(deadline, [[f.escrow.connect(f.stranger) as Contract, "refund", [b]], [f.escrow.connect(f.deployer) as Contract, "settle", [a, proof, pub]]]);
    expect(at.map((r) => r!.status)).toEqual([0, 1]);
    expect([await status(a), await status(b)]).toEqual([Status.Settled, Status.Open]);
    const after = await inBlock(deadline + 1n, [[f.escrow.connect(f.stranger) as Contract, "refund", [b]], [f.escrow.connect(f.deployer) as Contract, "settle", [c, proof, pub]]]);
    expect(after.map((r) => r!.status)).toEqual([1, 0]);
    expect([await status(b), await status(c)]).toEqual([Status.Refunded, Status.Open]);
  });

  it("the largest deadline (2^64 - 1) opens and settles; it can never be refunded, which the client chose", async () => {
    const id = await open({ deadline: U64_MAX });
    expect((await f.escrow.getFunction("request")(id)).deadline).toBe(U64_MAX);
    await expectRevert(f.escrow.getFunction("refund")(id), f.escrow, `DeadlineNotReached(${id}, ${U64_MAX})`);
    await send(f.escrow, "settle", id, ...argsOf(f.A.proofs[0]!));
    expect(await status(id)).toBe(Status.Settled);
  });
});

describe("contracts that are not tokens", () => {
  it("the escrow itself, the registry and a verifier are refused with NotAToken, and nothing moves", async () => {
    for (const t of [await f.escrow.getAddress(), await f.registry.getAddress(), f.verifierA]) {
      const next = await f.escrow.getFunction("nextRequestId")();
      await expectRevert(
        (f.escrow.connect(f.client) as Contract).getFunction("openRequestWithToken")(f.modelA, commitOf(f.A.proofs[0]!), f.operator.address, await deadlineIn(f.chain, 60), t, PRICE),
        f.escrow, `NotAToken(${t})`);
      expect(await f.escrow.getFunction("nextRequestId")()).toBe(next);
    }
  });
});

describe("a payee that burns all the gas of a push payment", () => {
  it("cannot block settlement: settle with 3M gas (a tenth of a block) settles and owes the payee, who withdraws elsewhere", async () => {
    const burner = await deployContract(f.deployer, f.artifacts, "GasBurner");
    const addr = await burner.getAddress();
    const id = await open({ payee: addr });
    const s = f.escrow.connect(f.stranger) as Contract;
    // The 1/64 of the gas kept back from the payee's call pays for the deferral: 3M gas, a tenth
    // of a block, always suffices (the payee only makes its own settlement dearer to send).
    const gas = 3_000_000n;
    const receipt = await (await s.getFunction("settle")(id, ...argsOf(f.A.proofs[0]!), { gasLimit: gas })).wait();
    expect(receipt.status).toBe(1);
    expect(await status(id)).toBe(Status.Settled);
    expect(await f.escrow.getFunction("owed")(ETH, addr)).toBe(PRICE);
    const to = f.stranger.address;
    const before = await f.chain.provider.getBalance(to);
    await send(burner, "forward", await f.escrow.getAddress(), f.escrow.interface.encodeFunctionData("withdraw", [ETH, to]));
    expect(await f.chain.provider.getBalance(to)).toBe(before + PRICE);
    expect(await f.escrow.getFunction("owed")(ETH, addr)).toBe(0n);
  });
});
