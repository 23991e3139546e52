/**
 * `zkinfer deploy` and `zkinfer settle` as a user runs them (real child processes) against a
 * real local chain: contracts and the digits-mlp verifier deployed and registered, a request
 * opened by a client, settled from a `zkinfer prove` output file; bad arguments named.
 */
import path from "node:path";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, Wallet } from "ethers";
import { REPO_ROOT } from "../prover/circom.ts";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { attachContract, compileZkinfer } from "../verifier-contracts/contracts.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { testDigits } from "./helpers/edge-server.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const tmp = makeTempDir("zkinfer-cli-chain-");
let chain: LocalChain;

beforeAll(async () => {
  chain = await startLocalChain();
});
afterAll(async () => {
  await chain?.stop();
  tmp.remove();
});


describe("zkinfer deploy / settle", () => {
  it("have --help, and name the bad argument", async () => {
    for (const cmd of ["deploy", "settle"]) {
      const r = await zkinfer(cmd, "--help");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`usage: zkinfer ${cmd}`);
    }
    const key = chain.privateKeys[0];
    const cases: [string[], string][] = [
      [["deploy", "digits-mlp", "--rpc", "localhost:8545", "--key", key], '--rpc: "localhost:8545" is not an http(s):// or ws(s):// URL'],
      [["deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", "0x1234"], "--key: expected 64 hex digits"],
      [["deploy", "digits-mlp", "--rpc", "http://127.0.0.1:1", "--key", key], "--rpc: cannot reach http://127.0.0.1:1"],
      [["deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", key, "--registry", "0xabc"], '--registry: "0xabc" is not an address'],
      [["settle", "--rpc", chain.rpcUrl, "--key", key, "--escrow", Wallet.createRandom().address, "--request", "1", "--proof", tmp.file("none.json")], "--proof: file"],
      [["settle", "--rpc", chain.rpcUrl, "--key", key, "--escrow", Wallet.createRandom().address, "--request", "one"], "--request: expected a decimal"],
    ];
    for (const [args, msg] of cases) {
      const r = await zkinferInProcess(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(msg);
    }
  });

  it("deploy, then settle a client's request with a zkinfer prove file; an unknown request is named", async () => {
    const [operatorKey, clientKey] = chain.privateKeys;
    const d = await zkinferInProcess("deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", operatorKey);
    expect(d.code, d.stderr).toBe(0);
    const dep = JSON.parse(d.stdout);
    expect(dep).toMatchObject({ model: "digits-mlp", chainId: 31337, registered: true, trusted: false, setup: { ptau: "dev" } });
    for (const k of ["registry", "escrow", "oracle", "verifier"]) expect(dep[k]).toMatch(/^0x[0-9a-fA-F]{40}$/);

    // Again on the same registry: the model is there already, nothing is redeployed.
    const again = await zkinferInProcess("deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", operatorKey, "--registry", dep.registry);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ registered: false, verifier: dep.verifier, registry: dep.registry });

    const proofFile = tmp.file("proof.json");
    writeFileSync(tmp.file("digit.json"), JSON.stringify(testDigits(1)[0].pixels));
    const p = await zkinferInProcess("prove", "digits-mlp", "--input", tmp.file("digit.json"), "--out", proofFile);
    expect(p.code, p.stderr).toBe(0);
    const proof = JSON.parse(readFileSync(proofFile, "utf8"));

    const operator = new Wallet(operatorKey, chain.provider);
    const client = new Wallet(clientKey, chain.provider);
    const escrow = attachContract(compileZkinfer(), "InferenceEscrow", dep.escrow, client) as Contract;
    const now = (await chain.provider.getBlock("latest"))!.timestamp;
    await (await escrow.getFunction("openRequest")(dep.modelId, BigInt(proof.inputCommitment), operator.address, now + 3600, { value: 10n ** 15n })).wait();
    const id = (await escrow.getFunction("nextRequestId")()) - 1n;

    const unknown = await zkinferInProcess("settle", "--rpc", chain.rpcUrl, "--key", operatorKey, "--escrow", dep.escrow, "--request", "999", "--proof", proofFile);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("--request: the contract reverted with RequestNotFound(999)");

    const before = await chain.provider.getBalance(operator.address);
    const s = await zkinferInProcess("settle", "--rpc", chain.rpcUrl, "--key", clientKey, "--escrow", dep.escrow, "--request", id.toString(), "--proof", proofFile);
    expect(s.code, s.stderr).toBe(0);
    const out = JSON.parse(s.stdout);
    expect(out).toMatchObject({ requestId: id.toString(), operator: operator.address, price: (10n ** 15n).toString() });
    expect((await chain.provider.getTransactionReceipt(out.txHash))!.status).toBe(1);
    // Sent by the client, paid to the operator fixed at opening.
    expect((await chain.provider.getBalance(operator.address)) - before).toBe(10n ** 15n);
    expect(Number((await escrow.getFunction("request")(id)).status)).toBe(2);

    const replay = await zkinferInProcess("settle", "--rpc", chain.rpcUrl, "--key", operatorKey, "--escrow", dep.escrow, "--request", id.toString(), "--proof", proofFile);
    expect(replay.code).toBe(2);
    expect(replay.stderr).toContain(`--request: the contract reverted with RequestAlreadySettled(${id})`);
  });
});
