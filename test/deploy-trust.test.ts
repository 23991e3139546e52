/**
 * `zkinfer deploy` and trust: to a chain other than the embedded local one (here a Hardhat
 * node with chain id 1337), an untrusted key (development powers of tau) is refused unless
 * --allow-untrusted, and nothing is sent; the output carries `trusted` and the setup record.
 * setup.json is never believed: a record edited to claim a published powers of tau (and
 * `trusted`), or a beacon-only key whose record calls the beacon a contribution, is refused; a
 * --ptau that is not a published file is refused. A record that does not describe the zkey, or
 * an old-format (forgeable) setup, is refused. Not exercised end to end: deploying as trusted,
 * which needs a published (Hermez) file; prover/ceremony/record.test.ts covers that rule.
 */
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { REPO_ROOT } from "../prover/circom.ts";
import { defaultPaths } from "../prover/paths.ts";
import { loadSnarkjs, terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { ensureDevPtau } from "../prover/ptau/index.ts";
import { ceremonyFileForPower } from "../prover/ptau/ceremony-hashes.ts";
import { DEV_BEACON, DEV_BEACON_ITERATIONS_EXP } from "../prover/setup.ts";
import { loadModel } from "../server/service/models.ts";
import { resolveConfig } from "../server/config/index.ts";
import { silentServiceLogger } from "../server/core/logger.ts";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const tmp = makeTempDir("zkinfer-deploy-trust-");
let chain: LocalChain;


/** A copy of digits-mlp (manifest, ONNX, built circuit and setup) whose setup (setup.json, circuit.zkey) can be edited. */
async function modelCopy(name: string, edit: (info: Record<string, any>, setupDir: string) => void | Promise<void>): Promise<string> {
  const src = path.join(REPO_ROOT, "models", "digits-mlp");
  const dir = tmp.file(name);
  const manifest = JSON.parse(readFileSync(path.join(src, "manifest.json"), "utf8"));
  manifest.files.circuit = path.resolve(src, manifest.files.circuit);
  cpSync(path.join(src, "build"), path.join(dir, "build"), { recursive: true });
  cpSync(path.join(src, manifest.files.integer), path.join(dir, manifest.files.integer));
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  const setupDir = path.join(dir, "build", "setup", manifest.circuit.hash.slice(0, 16));
  const info = JSON.parse(readFileSync(path.join(setupDir, "setup.json"), "utf8"));
  await edit(info, setupDir);
  writeFileSync(path.join(setupDir, "setup.json"), JSON.stringify(info));
  return dir;
}

beforeAll(async () => {
  const s = await zkinfer("setup", "digits-mlp");
  if (s.code !== 0) throw new Error(s.stderr);
  chain = await startLocalChain({ chainId: 1337 });
}, 300_000);
afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
  tmp.remove();
});

const nonce = (key: string) => chain.provider.getTransactionCount(new Wallet(key).address);

describe("zkinfer deploy to a chain that is not the embedded local one", () => {
  it("refuses an untrusted key, sending nothing, unless --allow-untrusted; the output says trusted: false", async () => {
    const key = chain.privateKeys[1];
    const r = await zkinferInProcess("deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", key);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("refusing to deploy digits-mlp to chain 1337");
    expect(r.stderr).toContain("its key is untrusted (its powers of tau are the development ones");
    expect(r.stderr).toContain("--allow-untrusted");
    expect(r.stdout).toBe("");
    expect(await nonce(key)).toBe(0);

    const ok = await zkinferInProcess("deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", key, "--allow-untrusted");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain("WARNING: deploying an untrusted key");
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({ chainId: 1337, trusted: false, registered: true, setup: { ptau: "dev", phase2: "setup" } });
    expect(out.setup.contributions.map((c: { kind: string }) => c.kind)).toEqual(["contribution", "beacon"]);
    expect(await nonce(key)).toBeGreaterThan(0);
  }, 300_000);

  it("does not believe a record edited to claim a published powers of tau: refused unless the transcript is verified with a published --ptau", async () => {
    const key = chain.privateKeys[2];
    const hermez = { kind: "file", file: "powersOfTau28_hez_final_12.ptau", blake2b: ceremonyFileForPower(12)!.blake2b, published: true, insecure: false };
    const dir = await modelCopy("claims-hermez", (i) => { i.ptau = hermez; i.trusted = true; });
    const r = await zkinferInProcess("deploy", dir, "--rpc", chain.rpcUrl, "--key", key);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("its key is untrusted (its transcript was not verified: pass --ptau");
    // The file the key really came from (the development one) is not a published ceremony file.
    const dev = await ensureDevPtau(12, defaultPaths().ptauDir);
    const d = await zkinferInProcess("deploy", dir, "--rpc", chain.rpcUrl, "--key", key, "--ptau", dev);
    expect(d.code, d.stderr).toBe(2);
    expect(d.stderr).toMatch(/--ptau .*: blake2b-512 [0-9a-f]{128} is not a published ceremony powers of tau/);
    expect([r.stdout, d.stdout]).toEqual(["", ""]);
    expect(await nonce(key)).toBe(0);
  }, 300_000);

  it("the server's model card recomputes trusted from the record with the published-list rule (a stored true is not echoed)", async () => {
    const custom = await modelCopy("claims-custom", (i) => { i.ptau = { kind: "file", file: "mine.ptau", blake2b: "ab".repeat(64), published: true, insecure: false }; i.trusted = true; });
    const config = resolveConfig({ modelsDir: tmp.path });
    const a = await loadModel(path.basename(custom), config, silentServiceLogger);
    expect(a.info).toMatchObject({ trusted: false, setup: { ptau: "custom" } });
    // The API reports the operator's record: a record that claims a published hash reads trusted
    // there (deploy, above, refuses it until the transcript is verified with --ptau).
    const b = await loadModel("claims-hermez", config, silentServiceLogger);
    expect(b.info).toMatchObject({ trusted: true, setup: { ptau: "ceremony" } });
    await Promise.all([a, b].map((m) => m.session.session.release()));
  }, 300_000);

  it("attack: a beacon-only (forgeable) key whose record claims a published ptau and calls the beacon a contribution is refused", async () => {
    const key = chain.privateKeys[4];
    const snarkjs = await loadSnarkjs();
    const r1cs = path.join(REPO_ROOT, "models", "digits-mlp", "build", "circuit", "digits-mlp.r1cs");
    const dev = await ensureDevPtau(12, defaultPaths().ptauDir);
    const dir = await modelCopy("beacon-only", async (i, setupDir) => {
      const zkey = path.join(setupDir, "circuit.zkey");
      await snarkjs.zKey.newZKey(r1cs, dev, tmp.file("beacon-only.0.zkey"));
      const h = await snarkjs.zKey.beacon(tmp.file("beacon-only.0.zkey"), zkey, "alice", DEV_BEACON, DEV_BEACON_ITERATIONS_EXP);
      i.ptau = { kind: "file", file: "powersOfTau28_hez_final_12.ptau", blake2b: ceremonyFileForPower(12)!.blake2b, published: true, insecure: false };
      i.contributions = [{ name: "alice", hash: Buffer.from(h as Uint8Array).toString("hex"), kind: "contribution" }];
      i.trusted = true;
    });
    const r = await zkinferInProcess("deploy", dir, "--rpc", chain.rpcUrl, "--key", key);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("its key is untrusted (its phase 2 has no secret contribution (beacons only))");
    expect(r.stdout).toBe("");
    expect(await nonce(key)).toBe(0);
  }, 300_000);

  it("refuses a setup.json that does not describe the zkey, and an old-format setup, naming them", async () => {
    const key = chain.privateKeys[3];
    const other = await modelCopy("other-record", (i) => { i.ptau = { kind: "file", file: "x.ptau", insecure: false }; i.contributions[0].hash = "ab".repeat(64); });
    const r = await zkinferInProcess("deploy", other, "--rpc", chain.rpcUrl, "--key", key);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/circuit\.zkey does not match its setup\.json/);
    const old = await modelCopy("old-format", (i) => { delete i.format; delete i.contributions; });
    for (const args of [["deploy", old, "--rpc", chain.rpcUrl, "--key", key], ["export-verifier", old]]) {
      const s = await zkinferInProcess(...args);
      expect(s.code, args[0]).toBe(2);
      expect(s.stderr).toMatch(/the setup in .* is stale \(.*setup format 1, made before phase 2 had a secret contribution: its key is forgeable\); run: zkinfer setup digits-mlp/);
    }
    expect(await nonce(key)).toBe(0);
    expect(readdirSync(tmp.path).sort()).toEqual(["beacon-only", "beacon-only.0.zkey", "claims-custom", "claims-hermez", "old-format", "other-record"]);
  }, 300_000);
});
