/**
 * `zkinfer request open|status|refund` and `zkinfer oracle submit|read` as a user runs them (real
 * child processes) against a real local chain, with contracts and verifiers deployed by `zkinfer
 * deploy` and proof files made by `zkinfer prove`. The input commitment `request open` computes
 * locally is checked the hard way: a real proof settles the request. Each refusal names its flag
 * and sends nothing (the signer's transaction count does not move).
 * --gateway (GET /v1/chain of a running gateway) is tested in test/cli-gateway.test.ts. The first
 * test runs the commands as child processes (the bin's wiring); the others call the CLI's main
 * in-process (test/helpers/cli.ts): the same code from argv to exit code, without a second or two
 * of CPU per process start.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, type Contract } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { attachContract, compileZkinfer } from "../verifier-contracts/contracts.ts";
import { prepareModel } from "../prover/prepare-model.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { readyScoreModel } from "../examples/lending-pool/score-model.ts";
import { breastCancerSplits } from "../models/lib/breast-cancer.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const tmp = makeTempDir("zkinfer-cli-request-");
let chain: LocalChain;
let dep: { registry: string; escrow: string; oracle: string; modelId: string };
let scoreDir: string;
let scoreModelId: string;
let operator: Wallet, client: Wallet, updater: Wallet, stranger: Wallet;
const digit = tmp.file("digit.json");
const record = tmp.file("record.json");

const ok = (r: { code: number; stdout: string; stderr: string }) => {
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
};
/** A command that writes its result to a file (prove --out): exit 0 is all to check. */
const done = (r: { code: number; stderr: string }) => expect(r.code, r.stderr).toBe(0);
const chainNow = async () => (await chain.provider.getBlock("latest"))!.timestamp;
async function timeTravel(secs: number) {
  await chain.provider.send("evm_increaseTime", [secs]);
  await chain.provider.send("evm_mine", []);
}
/** Runs a command that must be refused: exit 2, the message, and no transaction from `signer`. */
async function refused(signer: Wallet, args: string[], message: string) {
  const before = await chain.provider.getTransactionCount(signer.address);
  const r = await zkinferInProcess(...args);
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(2);
  expect(r.stderr).toContain(message);
  expect(await chain.provider.getTransactionCount(signer.address)).toBe(before);
}

beforeAll(async () => {
  const chainP = startLocalChain();
  await prepareModel("digits-mlp");
  scoreDir = (await readyScoreModel()).dir;
  chain = await chainP;
  [operator, client, updater, stranger] = chain.privateKeys.slice(0, 4).map((k) => new Wallet(k, chain.provider));
  dep = ok(await zkinferInProcess("deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", chain.privateKeys[0]!));
  scoreModelId = ok(await zkinferInProcess("deploy", scoreDir, "--rpc", chain.rpcUrl, "--key", chain.privateKeys[0]!, "--registry", dep.registry)).modelId;
  writeFileSync(digit, JSON.stringify(Array.from(splitDigits(loadDigits()).test[0]!.pixels)));
  writeFileSync(record, JSON.stringify(Array.from(breastCancerSplits().test.find((s) => s.label === 0)!.x)));
});
afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
  tmp.remove();
});

const escrowFlags = () => ["--rpc", chain.rpcUrl, "--escrow", dep.escrow];
const oracleFlags = () => ["--rpc", chain.rpcUrl, "--oracle", dep.oracle];
const open = (...extra: string[]) => ["request", "open", "--model", "digits-mlp", "--input", digit, "--price", "0.001eth", "--deadline", "+1h", "--operator", operator.address, "--key", client.privateKey, ...escrowFlags(), ...extra];

describe("zkinfer request", () => {
  it("opens a request with the input commitment computed locally, which a real proof of that input settles; status follows it", async () => {
    const o = ok(await zkinfer(...open()));
    expect(o).toMatchObject({ model: "digits-mlp", modelId: dep.modelId, client: client.address, operator: operator.address, price: (10n ** 15n).toString(), escrow: dep.escrow });
    const s = ok(await zkinfer("request", "status", "--request", o.requestId, ...escrowFlags()));
    expect(s).toMatchObject({ status: "open", client: client.address, operator: operator.address, inputCommitment: o.inputCommitment, refundable: false });
    expect(s.secondsLeft).toBeGreaterThan(3500);
    const proofFile = tmp.file("digit-proof.json");
    done(await zkinfer("prove", "digits-mlp", "--input", digit, "--out", proofFile));
    expect(JSON.parse(readFileSync(proofFile, "utf8")).inputCommitment).toBe(o.inputCommitment);
    ok(await zkinfer("settle", ...escrowFlags(), "--key", operator.privateKey, "--request", o.requestId, "--proof", proofFile));
    const settled = ok(await zkinfer("request", "status", "--request", o.requestId, ...escrowFlags()));
    expect(settled).toMatchObject({ status: "settled", operator: operator.address, paid: (10n ** 15n).toString() });
    await refused(client, ["request", "refund", "--request", o.requestId, "--key", client.privateKey, ...escrowFlags()], `--request: request ${o.requestId} is settled`);
  });

  it("refunds the client's request only after the deadline, and only with the client's key", async () => {
    const o = ok(await zkinferInProcess(...open("--deadline", "+120")));
    const refund = (w: Wallet) => ["request", "refund", "--request", o.requestId, "--key", w.privateKey, ...escrowFlags()];
    await refused(client, refund(client), `--request: request ${o.requestId}'s deadline ${o.deadline} has not passed`);
    await timeTravel(121);
    expect(ok(await zkinferInProcess("request", "status", "--request", o.requestId, ...escrowFlags())).refundable).toBe(true);
    await refused(stranger, refund(stranger), `--key: request ${o.requestId} is not yours to refund: its client is ${client.address}`);
    const before = await chain.provider.getBalance(await attachContract(compileZkinfer(), "InferenceEscrow", dep.escrow, client).getAddress());
    const r = ok(await zkinferInProcess(...refund(client)));
    expect(r).toMatchObject({ client: client.address, refunded: (10n ** 15n).toString() });
    expect(await chain.provider.getBalance(dep.escrow)).toBe(before - 10n ** 15n);
    expect(ok(await zkinferInProcess("request", "status", "--request", o.requestId, ...escrowFlags()))).toMatchObject({ status: "refunded", refunded: (10n ** 15n).toString(), txHash: r.txHash });
    await refused(client, refund(client), `--request: request ${o.requestId} is refunded`);
  });

  it("refuses, naming the flag and sending nothing: an unknown or unregistered model, a past deadline, a bad price, another contract, an unknown request", async () => {
    const swap = (flag: string, value: string) => { const a = open(); a[a.indexOf(flag) + 1] = value; return a; };
    await refused(client, swap("--model", "no-such-model"), "--model: model no-such-model: no manifest.json");
    const unregistered = swap("--model", "tabular-breast-cancer");
    unregistered[unregistered.indexOf("--input") + 1] = record;
    await refused(client, [...unregistered, "--float"], "--model: tabular-breast-cancer (id 0xa7b21e82");
    await refused(client, swap("--deadline", String((await chainNow()) - 5)), "is not in the future: the chain's time is");
    await refused(client, swap("--deadline", "tomorrow"), "--deadline: \"tomorrow\" is neither");
    await refused(client, swap("--price", "0"), "--price: must be more than 0");
    await refused(client, swap("--price", "1.5"), "--price: \"1.5\" is not an amount");
    await refused(client, swap("--price", String((await chain.provider.getBalance(client.address)) + 1n)), `--key: ${client.address} holds`);
    await refused(client, swap("--input", "[1,2,3]"), "--input");
    await refused(client, swap("--escrow", dep.oracle), `--escrow: the contract at ${dep.oracle} does not answer registry() and nextRequestId()`);
    await refused(client, swap("--escrow", Wallet.createRandom().address), "--escrow: no contract at");
    await refused(client, swap("--operator", "0x00"), "--operator: \"0x00\" is not an address");
    await refused(client, open().filter((a, i, all) => a !== "--operator" && all[i - 1] !== "--operator"), "missing --operator <address>");
    await refused(client, ["request", "status", "--request", "999", ...escrowFlags()], `--request: escrow ${dep.escrow} on chain 31337 has no request 999`);
    await refused(client, ["request", "status", "--request", "0", ...escrowFlags()], "--request: expected an escrow request id");
    await refused(client, ["request", "close", ...escrowFlags()], 'unknown step "close"');
  });
});

describe("zkinfer oracle", () => {
  let feedId: string;
  let proofFile: string;

  beforeAll(async () => {
    const oracle = attachContract(compileZkinfer(), "ProvenOracle", dep.oracle, operator) as Contract;
    await (await oracle.getFunction("createFeed")(scoreModelId, 1, updater.address)).wait();
    feedId = String((await oracle.getFunction("nextFeedId")()) - 1n);
    proofFile = tmp.file("score-proof.json");
    done(await zkinferInProcess("prove", scoreDir, "--float", "--input", record, "--nonce", String(await chainNow()), "--out", proofFile));
  });

  it("submits a zkinfer prove file to a feed and reads the value back with its age; --max-age refuses it once older", async () => {
    const proof = JSON.parse(readFileSync(proofFile, "utf8"));
    const s = ok(await zkinferInProcess("oracle", "submit", "--feed", feedId, "--proof", proofFile, "--key", updater.privateKey, ...oracleFlags()));
    expect(s).toMatchObject({ feedId, value: String(proof.output[0]), updatedAt: Number(proof.nonce), inputCommitment: proof.inputCommitment });
    const r = ok(await zkinferInProcess("oracle", "read", "--feed", feedId, "--max-age", "60", ...oracleFlags()));
    expect(r).toMatchObject({ feedId, modelId: scoreModelId, outputIndex: 1, value: String(proof.output[0]), updatedAt: Number(proof.nonce), updater: updater.address });
    expect(r.age).toBe(r.chainTime - Number(proof.nonce));
    await timeTravel(61);
    await refused(stranger, ["oracle", "read", "--feed", feedId, "--max-age", "60", ...oracleFlags()], `--max-age: feed ${feedId}'s value was observed at ${proof.nonce}`);
    // The same proof again is not newer: the oracle's own check, found before sending.
    await refused(updater, ["oracle", "submit", "--feed", feedId, "--proof", proofFile, "--key", updater.privateKey, ...oracleFlags()], "--proof: the contract reverted with ObservationNotNewer");
  });

  it("refuses, naming the flag and sending nothing: a proof of another model, a tampered proof, a key that is not the updater, an unknown feed", async () => {
    const digitProof = tmp.file("digit-proof-2.json");
    done(await zkinferInProcess("prove", "digits-mlp", "--input", digit, "--out", digitProof));
    const submit = (file: string, w = updater, feed = feedId) => ["oracle", "submit", "--feed", feed, "--proof", file, "--key", w.privateKey, ...oracleFlags()];
    await refused(updater, submit(digitProof), `--proof: ${digitProof} is a proof of model digits-mlp (id 0x${dep.modelId.slice(2)}), but feed ${feedId} publishes model ${scoreModelId}`);
    const fresh = tmp.file("score-proof-2.json");
    done(await zkinferInProcess("prove", scoreDir, "--float", "--input", record, "--nonce", String(await chainNow()), "--out", fresh));
    const tampered = JSON.parse(readFileSync(fresh, "utf8"));
    tampered.publicSignals[1] = String(BigInt(tampered.publicSignals[1]) + 7n); // another risk than proved
    writeFileSync(tmp.file("tampered.json"), JSON.stringify(tampered));
    await refused(updater, submit(tmp.file("tampered.json")), `--proof: the contract reverted with InvalidProof(${feedId})`);
    await refused(stranger, submit(fresh, stranger), `--key: feed ${feedId}'s updater is ${updater.address}; this key signs as ${stranger.address}`);
    await refused(updater, submit(fresh, updater, "77"), `--feed: oracle ${dep.oracle} on chain 31337 has no feed 77`);
    await refused(updater, ["oracle", "submit", "--feed", feedId, "--proof", fresh, "--key", updater.privateKey, "--rpc", chain.rpcUrl, "--oracle", dep.escrow], "does not answer registry() and nextFeedId()");
    await refused(updater, ["oracle", "read", "--feed", feedId, "--rpc", chain.rpcUrl], "missing --oracle <address> (or --gateway <url>)");
    // The untampered fresh proof goes through.
    ok(await zkinferInProcess(...submit(fresh)));
  });
});
