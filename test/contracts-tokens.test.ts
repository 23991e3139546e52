/**
 * InferenceEscrow with odd ERC-20s on a real local chain with real digits-mlp proofs: the escrow
 * records a request only for money that actually arrived (fee-on-transfer, "max means whole
 * balance"), refuses what is not a token or answers like none, keeps USDT-style tokens working,
 * and owes (instead of locking) a payout the token refuses to push (a blacklisted receiver).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MaxUint256, Wallet, type Contract } from "ethers";
import { deployContract } from "../verifier-contracts/contracts.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { argsOf, commitOf, deadlineIn, expectRevert, lastRequestId, send, startEscrowFixture, timeTravel, type EscrowFixture } from "./helpers/escrow-fixture.ts";

const PRICE = 1000n;
const Status = { Open: 1, Settled: 2, Refunded: 3 };

let f: EscrowFixture;
let escrowAddr: string;

async function token(name: string): Promise<[Contract, string]> {
  const t = await deployContract(f.deployer, f.artifacts, name);
  return [t, await t.getAddress()];
}

/** Mints `amount` to `who` and approves the escrow for `allowance`. */
async function fund(t: Contract, who: Wallet, amount: bigint, allowance = MaxUint256) {
  await send(t, "mint", who.address, amount);
  await send(t.connect(who) as Contract, "approve", escrowAddr, allowance);
}

async function openWith(tokenAddr: string, price: bigint, opts: { as?: Wallet; secs?: number; commitment?: bigint } = {}) {
  const c = f.escrow.connect(opts.as ?? f.client) as Contract;
  return c.getFunction("openRequestWithToken")(f.modelA, opts.commitment ?? commitOf(f.A.proofs[0]!), f.operator.address, await deadlineIn(f.chain, opts.secs ?? 3600), tokenAddr, price);
}

const bal = async (t: Contract, who: string) => (await t.getFunction("balanceOf")(who)) as bigint;

/** Expects the open to revert with `expected`, leaving the client's and the escrow's balances and the request counter as they were. */
async function expectRefusedOpen(t: Contract, tokenAddr: string, price: bigint, expected: string, as = f.client) {
  const before = [await bal(t, as.address), await bal(t, escrowAddr), await f.escrow.getFunction("nextRequestId")()];
  await expectRevert(openWith(tokenAddr, price, { as }), f.escrow, expected);
  expect([await bal(t, as.address), await bal(t, escrowAddr), await f.escrow.getFunction("nextRequestId")()]).toEqual(before);
}

beforeAll(async () => {
  f = await startEscrowFixture(2);
  escrowAddr = await f.escrow.getAddress();
});

afterAll(async () => {
  await f?.chain.stop();
  await terminateSnarkjsCurves();
});

describe("what arrived, not what was asked", () => {
  it("a fee-on-transfer token is refused at open with AmountReceivedMismatch, for every deposit, and nothing moves", async () => {
    const [t, addr] = await token("FeeOnTransferToken");
    await fund(t, f.client, 2n * PRICE);
    // Before: two deposits of 1000 left 1800, so the second refund could never be paid.
    await expectRefusedOpen(t, addr, PRICE, `AmountReceivedMismatch(${addr}, ${PRICE}, ${PRICE - PRICE / 10n})`);
    await expectRefusedOpen(t, addr, PRICE, `AmountReceivedMismatch(${addr}, ${PRICE}, ${PRICE - PRICE / 10n})`);
  });

  it("a token where max means the whole balance cannot open a request for max and drain the escrow", async () => {
    const [t, addr] = await token("MaxBalanceToken");
    // An honest client's deposit sits in the escrow.
    await fund(t, f.stranger, PRICE);
    await (await openWith(addr, PRICE, { as: f.stranger })).wait();
    const honest = await lastRequestId(f.escrow);
    // The attacker holds 1 unit and asks for a request "worth" type(uint256).max.
    await fund(t, f.client, 1n);
    await expectRefusedOpen(t, addr, MaxUint256, `AmountReceivedMismatch(${addr}, ${MaxUint256}, 1)`);
    expect(await bal(t, escrowAddr)).toBe(PRICE);
    // The honest deposit is still refundable in full.
    await timeTravel(f.chain, 3601);
    await send(f.escrow, "refund", honest);
    expect(await bal(t, f.stranger.address)).toBe(PRICE);
  });
});

describe("things that are not tokens", () => {
  it("a contract with a silent fallback, or an address without code, is refused with NotAToken", async () => {
    const [t, addr] = await token("SilentFallback");
    const next = await f.escrow.getFunction("nextRequestId")();
    await expectRevert(openWith(addr, PRICE), f.escrow, `NotAToken(${addr})`);
    await expectRevert(openWith(f.stranger.address, PRICE), f.escrow, `NotAToken(${f.stranger.address})`);
    expect(await f.escrow.getFunction("nextRequestId")()).toBe(next);
    void t;
  });

  it("a token answering transferFrom with a word of 2 or with 64 bytes is refused with TokenReturnedNonBool", async () => {
    const [t, addr] = await token("NonBoolToken");
    await fund(t, f.client, PRICE);
    await expectRefusedOpen(t, addr, PRICE, `TokenReturnedNonBool(${addr}, 0x${(2n).toString(16).padStart(64, "0")})`);
    await send(t, "setMode", 1n);
    await expectRefusedOpen(t, addr, PRICE, `TokenReturnedNonBool(${addr}, 0x${"1".padStart(64, "0").repeat(2)})`);
  });

  it("a token answering transferFrom with false is refused with PaymentFailed, even though it moved the tokens", async () => {
    const [t, addr] = await token("NonBoolToken");
    await fund(t, f.client, PRICE);
    await send(t, "setMode", 2n);
    await expectRefusedOpen(t, addr, PRICE, `PaymentFailed(${addr}, ${f.client.address}, ${PRICE})`);
  });

  it("a transferFrom that reverts (no allowance) is refused with PaymentFailed naming token, client and amount", async () => {
    const [t, addr] = await token("TestERC20");
    await fund(t, f.client, PRICE, 0n);
    await expectRefusedOpen(t, addr, PRICE, `PaymentFailed(${addr}, ${f.client.address}, ${PRICE})`);
  });
});

describe("tokens that work", () => {
  it("a USDT-style token (no return value) still opens, settles and refunds", async () => {
    const [t, addr] = await token("UsdtStyleToken");
    await fund(t, f.client, 2n * PRICE);
    const p = f.A.proofs[0]!;
    await (await openWith(addr, PRICE, { commitment: commitOf(p) })).wait();
    const settled = await lastRequestId(f.escrow);
    await (await openWith(addr, PRICE, { secs: 60 })).wait();
    const refunded = await lastRequestId(f.escrow);
    expect(await bal(t, escrowAddr)).toBe(2n * PRICE);
    await send(f.escrow, "settle", settled, ...argsOf(p));
    expect(await bal(t, f.operator.address)).toBe(PRICE);
    await timeTravel(f.chain, 61);
    await send(f.escrow, "refund", refunded);
    expect(await bal(t, f.client.address)).toBe(PRICE);
    expect(await bal(t, escrowAddr)).toBe(0n);
  });

  it("a refund the token refuses to push (blacklisted client) is owed, and the client withdraws it to another address", async () => {
    const [t, addr] = await token("BlacklistToken");
    await fund(t, f.client, PRICE);
    await (await openWith(addr, PRICE, { secs: 60 })).wait();
    const id = await lastRequestId(f.escrow);
    await send(t, "setBlacklisted", f.client.address, true);
    await timeTravel(f.chain, 61);
    const receipt = await send(f.escrow.connect(f.stranger) as Contract, "refund", id);
    expect(Number((await f.escrow.getFunction("request")(id)).status)).toBe(Status.Refunded);
    const deferred = receipt.logs.map((l: { topics: string[]; data: string }) => f.escrow.interface.parseLog(l)).find((e: { name: string } | null) => e?.name === "PaymentDeferred");
    expect([...deferred.args]).toEqual([id, f.client.address, addr, PRICE]);
    expect(await f.escrow.getFunction("owed")(addr, f.client.address)).toBe(PRICE);
    expect(await bal(t, escrowAddr)).toBe(PRICE);
    const asClient = f.escrow.connect(f.client) as Contract;
    await expectRevert(asClient.getFunction("withdraw")(addr, f.client.address), f.escrow, `PayoutFailed(${addr}, ${f.client.address}, ${PRICE})`);
    expect(await f.escrow.getFunction("owed")(addr, f.client.address)).toBe(PRICE);
    const cold = Wallet.createRandom().address;
    await send(asClient, "withdraw", addr, cold);
    expect(await bal(t, cold)).toBe(PRICE);
    expect(await bal(t, escrowAddr)).toBe(0n);
    expect(await f.escrow.getFunction("owed")(addr, f.client.address)).toBe(0n);
  });

  it("a settlement to a blacklisted operator still settles and owes the operator", async () => {
    const [t, addr] = await token("BlacklistToken");
    await fund(t, f.client, PRICE);
    const p = f.A.proofs[1]!;
    await (await openWith(addr, PRICE, { commitment: commitOf(p) })).wait();
    const id = await lastRequestId(f.escrow);
    await send(t, "setBlacklisted", f.operator.address, true);
    await send(f.escrow, "settle", id, ...argsOf(p));
    expect(Number((await f.escrow.getFunction("request")(id)).status)).toBe(Status.Settled);
    expect(await f.escrow.getFunction("owed")(addr, f.operator.address)).toBe(PRICE);
    await timeTravel(f.chain, 3601);
    await expectRevert(f.escrow.getFunction("refund")(id), f.escrow, `RequestAlreadySettled(${id})`);
  });
});
