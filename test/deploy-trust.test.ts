/**
 * `zkinfer deploy` and trust: to a chain other than the embedded local one (here a Hardhat
 * node with chain id 1337), an untrusted key (development powers of tau) is refused unless
 * --allow-untrusted, and nothing is sent; the output carries `trusted` and the setup record.
 * A key whose record says ceremony powers of tau and a secret contribution deploys; a record
 * that does not describe the zkey, or an old-format (forgeable) setup, is refused.
 */
import { execFile } from "node:child_process";
import { cpSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { REPO_ROOT } from "../prover/circom.ts";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-deploy-trust-");
let chain: LocalChain;

async function zkinfer(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, "bin", "zkinfer.js"), ...args], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** A copy of digits-mlp (manifest, ONNX, built circuit and setup) whose setup.json can be edited. */
function modelCopy(name: string, edit: (info: Record<string, any>) => void): string {
  const src = path.join(REPO_ROOT, "models", "digits-mlp");
  const dir = tmp.file(name);
  const manifest = JSON.parse(readFileSync(path.join(src, "manifest.json"), "utf8"));
  manifest.files.circuit = path.resolve(src, manifest.files.circuit);
  cpSync(path.join(src, "build"), path.join(dir, "build"), { recursive: true });
  cpSync(path.join(src, manifest.files.integer), path.join(dir, manifest.files.integer));
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  const setupDir = path.join(dir, "build", "setup", manifest.circuit.hash.slice(0, 16));
  const info = JSON.parse(readFileSync(path.join(setupDir, "setup.json"), "utf8"));
  edit(info);
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
  tmp.remove();
});

const nonce = (key: string) => chain.provider.getTransactionCount(new Wallet(key).address);

describe("zkinfer deploy to a chain that is not the embedded local one", () => {
  it("refuses an untrusted key, sending nothing, unless --allow-untrusted; the output says trusted: false", async () => {
    const key = chain.privateKeys[1];
    const r = await zkinfer("deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", key);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("refusing to deploy digits-mlp to chain 1337");
    expect(r.stderr).toContain("its key is untrusted (its powers of tau are the development ones");
    expect(r.stderr).toContain("--allow-untrusted");
    expect(r.stdout).toBe("");
    expect(await nonce(key)).toBe(0);

    const ok = await zkinfer("deploy", "digits-mlp", "--rpc", chain.rpcUrl, "--key", key, "--allow-untrusted");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toContain("WARNING: deploying an untrusted key");
    const out = JSON.parse(ok.stdout);
    expect(out).toMatchObject({ chainId: 1337, trusted: false, registered: true, setup: { ptau: "dev", phase2: "setup" } });
    expect(out.setup.contributions.map((c: { kind: string }) => c.kind)).toEqual(["contribution", "beacon"]);
    expect(await nonce(key)).toBeGreaterThan(0);
  }, 300_000);

  it("deploys a key whose record has ceremony powers of tau and a secret contribution, without the flag", async () => {
    const dir = modelCopy("trusted", (i) => { i.ptau = { kind: "file", file: "powersOfTau28_hez_final_12.ptau", blake2b: "00", insecure: false }; });
    const r = await zkinfer("deploy", dir, "--rpc", chain.rpcUrl, "--key", chain.privateKeys[2]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ chainId: 1337, trusted: true, setup: { ptau: "ceremony" } });
  }, 300_000);

  it("refuses a setup.json that does not describe the zkey, and an old-format setup, naming them", async () => {
    const key = chain.privateKeys[3];
    const other = modelCopy("other-record", (i) => { i.ptau = { kind: "file", file: "x.ptau", insecure: false }; i.contributions[0].hash = "ab".repeat(64); });
    const r = await zkinfer("deploy", other, "--rpc", chain.rpcUrl, "--key", key);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/circuit\.zkey does not match its setup\.json/);
    const old = modelCopy("old-format", (i) => { delete i.format; delete i.contributions; });
    for (const args of [["deploy", old, "--rpc", chain.rpcUrl, "--key", key], ["export-verifier", old]]) {
      const s = await zkinfer(...args);
      expect(s.code, args[0]).toBe(2);
      expect(s.stderr).toMatch(/the setup in .* is stale \(.*setup format 1, made before phase 2 had a secret contribution: its key is forgeable\); run: zkinfer setup digits-mlp/);
    }
    expect(await nonce(key)).toBe(0);
    expect(readdirSync(tmp.path).sort()).toEqual(["old-format", "other-record", "trusted"]);
  }, 300_000);
});
