/**
 * `zkinfer ceremony` as participants run it (real child processes): two contributors on a
 * small circuit with a powers of tau made by snarkjs' own ceremony tools with NON-secret
 * entropy (accepted with --ptau-hash, i.e. a "custom" file), the transcript verified, the key
 * finalized with a beacon and installed as the model's setup - untrusted, since anyone can make
 * such a file knowing its tau and pass its hash. Every refusal names the file and what is wrong,
 * and writes nothing. No published (Hermez) file is available offline, so the trusted outcome
 * is covered by prover/ceremony/record.test.ts on records, not here.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { REPO_ROOT } from "../prover/circom.ts";
import { defaultPaths } from "../prover/paths.ts";
import { blake2b512File, ensureDevPtau } from "../prover/ptau/index.ts";
import { loadSnarkjs, terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { MIN_DEV_POWER } from "../prover/setup.ts";
import { startLocalChain } from "../verifier-contracts/local-chain.ts";
import { snarkjsTestPtau } from "./helpers/groth16-fixture.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const tmp = makeTempDir("zkinfer-ceremony-");
const ptau = { a: tmp.file("a.ptau"), b: tmp.file("b.ptau"), hashA: "", hashB: "" };
const BEACON = "5a".repeat(32);

/** A model folder holding only what a ceremony needs: a manifest pointing at a circuit. */
function tinyModel(name: string, circuit: string): string {
  const dir = tmp.file(name);
  mkdirSync(dir);
  const manifest = { name, modelId: name, files: { float: "-", integer: "-", circuit }, circuit: { hash: "-", constraints: 1, template: "-" } };
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest));
  return dir;
}
const model = tinyModel("tiny-mul", path.join(REPO_ROOT, "test", "fixtures", "tiny-mul.circom"));
const other = tinyModel("multiplier", path.join(REPO_ROOT, "prover", "ptau", "fixtures", "multiplier.circom"));
const z = (n: string) => tmp.file(`${n}.zkey`);
const withA = () => ["--ptau", ptau.a, "--ptau-hash", ptau.hashA];

beforeAll(async () => {
  // Two independent powers of tau (power 4), made by snarkjs itself: "ceremony files" to this test.
  await snarkjsTestPtau(4, ptau.a);
  await snarkjsTestPtau(4, ptau.b);
  [ptau.hashA, ptau.hashB] = await Promise.all([blake2b512File(ptau.a), blake2b512File(ptau.b)]);
}, 120_000);
afterAll(async () => {
  await terminateSnarkjsCurves();
  tmp.remove();
});


async function ok(...args: string[]) {
  const r = await zkinfer(...args);
  expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(0);
  return JSON.parse(r.stdout);
}

/** Every file under `dir` with its size and mtime: "nothing written" means this does not change. */
function snapshot(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).sort().map((f) => {
    const s = statSync(path.join(dir, f));
    return `${f} ${s.size} ${s.mtimeMs}`;
  });
}

/** A copy of the finished transcript (2.zkey) with one bit flipped at `at` bytes into section `id`. */
function tamper(file: string, id: number, at: number): void {
  const buf = readFileSync(z("2"));
  let off = 12;
  for (let i = 0; i < buf.readUInt32LE(8); i++) {
    const size = Number(buf.readBigUInt64LE(off + 4));
    if (buf.readUInt32LE(off) === id) buf[off + 12 + at] ^= 0x01;
    off += 12 + size;
  }
  writeFileSync(file, buf);
}

let finalized: { vkeyHash: string; setup: { contributions: { name: string; hash: string; kind: string }[] } };
let alice: string, bob: string;

describe("zkinfer ceremony", () => {
  it("two contributors, a verified transcript, a finalized key installed as the model's setup, untrusted (custom ptau)", async () => {
    expect((await ok("ceremony", "init", model, ...withA(), "--out", z("0"))).ptau).toBe("custom (not published: never trusted)");
    const a = await ok("ceremony", "contribute", z("0"), "--out", z("1"), "--name", "alice");
    const b = await ok("ceremony", "contribute", z("1"), "--out", z("2"), "--name", "bob");
    expect(a).toMatchObject({ contribution: 1, name: "alice" });
    expect(b).toMatchObject({ contribution: 2, name: "bob" });
    [alice, bob] = [a.hash, b.hash];
    expect(alice).toMatch(/^[0-9a-f]{128}$/);
    expect(bob).not.toBe(alice);

    const v = await ok("ceremony", "verify", model, z("2"), ...withA());
    expect(v.contributions).toEqual([
      { n: 1, name: "alice", hash: alice, kind: "contribution" },
      { n: 2, name: "bob", hash: bob, kind: "contribution" },
    ]);

    expect(v).toMatchObject({ valid: true, ptau: "custom (not published: never trusted)" });
    expect(v.vkeyHash).toMatch(/^[0-9a-f]{64}$/);

    finalized = await ok("ceremony", "finalize", model, z("2"), ...withA(), "--beacon", BEACON, "--iterations", "10");
    expect(finalized).toMatchObject({ trusted: false, setup: { ptau: "custom", phase2: "ceremony" } });
    expect(finalized.setup.contributions.map((c) => [c.name, c.kind])).toEqual([["alice", "contribution"], ["bob", "contribution"], ["zkinfer ceremony beacon", "beacon"]]);
    expect(finalized.setup.contributions.slice(0, 2).map((c) => c.hash)).toEqual([alice, bob]);

    // The installed key proves and verifies, and its record says where everything came from.
    const setupDir = readdirSync(path.join(model, "build", "setup"))[0];
    const dir = path.join(model, "build", "setup", setupDir);
    const info = JSON.parse(readFileSync(path.join(dir, "setup.json"), "utf8"));
    expect(info).toMatchObject({ format: 2, trusted: false, phase2: "ceremony", ptau: { kind: "file", blake2b: ptau.hashA, published: false, insecure: false }, beacon: { hash: BEACON, iterationsExp: 10 }, vkeyHash: finalized.vkeyHash });
    const snarkjs = await loadSnarkjs();
    const vkey = JSON.parse(readFileSync(path.join(dir, "vkey.json"), "utf8"));
    const wasm = path.join(model, "build", "circuit", "tiny-mul_js", "tiny-mul.wasm");
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 3, b: 5, c: 7 }, wasm, path.join(dir, "circuit.zkey"));
    expect(publicSignals).toEqual(["22", "7"]);
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).toBe(true);
    expect(await snarkjs.groth16.verify(vkey, ["23", "7"], proof)).toBe(false);
    // A third party links the verified transcript to the served key by its vkeyHash.
    expect((await ok("ceremony", "verify", model, path.join(dir, "circuit.zkey"), ...withA())).vkeyHash).toBe(finalized.vkeyHash);
  }, 300_000);

  it("attack: a self-made powers of tau (known entropy) with its own hash gives an untrusted key, which deploy refuses on a non-local chain", async () => {
    // The installed key above: made from a.ptau, whose entropy is in this file's helper.
    const dir = path.join(model, "build", "setup", readdirSync(path.join(model, "build", "setup"))[0]);
    const info = JSON.parse(readFileSync(path.join(dir, "setup.json"), "utf8"));
    expect(info.trusted).toBe(false);
    // deploy finds the setup by the manifest's circuit hash.
    const manifest = JSON.parse(readFileSync(path.join(model, "manifest.json"), "utf8"));
    writeFileSync(path.join(model, "manifest.json"), JSON.stringify({ ...manifest, circuit: { ...manifest.circuit, hash: info.circuitHash } }));
    const chain = await startLocalChain({ chainId: 1337 });
    try {
      const key = chain.privateKeys[1];
      const plain = await zkinferInProcess("deploy", model, "--rpc", chain.rpcUrl, "--key", key);
      expect(plain.code, plain.stderr).toBe(2);
      expect(plain.stderr).toContain("refusing to deploy tiny-mul to chain 1337");
      expect(plain.stderr).toContain("its transcript was not verified: pass --ptau");
      expect(plain.stderr).toContain("--allow-untrusted");
      // Giving deploy the self-made file does not help: its hash is not a published one.
      const withFile = await zkinferInProcess("deploy", model, "--rpc", chain.rpcUrl, "--key", key, "--ptau", ptau.a);
      expect(withFile.code, withFile.stderr).toBe(2);
      expect(withFile.stderr).toMatch(/--ptau .*a\.ptau: blake2b-512 [0-9a-f]{128} is not a published ceremony powers of tau/);
      // Even allowed untrusted, a folder holding only a circuit (no model bound to it) is never deployed.
      const allowed = await zkinferInProcess("deploy", model, "--rpc", chain.rpcUrl, "--key", key, "--allow-untrusted");
      expect(allowed.code, allowed.stderr).not.toBe(0);
      expect(allowed.stderr).toContain("files.integer");
      expect([plain.stdout, withFile.stdout, allowed.stdout]).toEqual(["", "", ""]);
      expect(await chain.provider.getTransactionCount(new Wallet(key).address)).toBe(0);
    } finally {
      await chain.stop();
    }
  }, 300_000);

  it("refuses, naming the file and what is wrong, and writes nothing", async () => {
    // One bit flipped in the key (section 9, H) and one in the transcript (section 10, first contribution's g1_s).
    tamper(z("tampered"), 9, 0);
    tamper(z("tampered-transcript"), 10, 64 + 4 + 64);
    writeFileSync(z("corrupt"), readFileSync(z("2")).subarray(0, 300));
    await ok("ceremony", "init", other, ...withA(), "--out", z("other0"));
    await ok("ceremony", "contribute", z("other0"), "--out", z("other1"));
    const devPtau = await ensureDevPtau(MIN_DEV_POWER, defaultPaths().ptauDir);
    const cases: [string[], RegExp][] = [
      [["finalize", model, z("0"), ...withA(), "--beacon", BEACON], /0\.zkey: refused, it has no contribution yet/],
      [["finalize", model, z("other1"), ...withA(), "--beacon", BEACON], /other1\.zkey: zkey is for another circuit/],
      [["verify", model, z("other1"), ...withA()], /other1\.zkey: zkey is for another circuit/],
      [["verify", model, z("tampered"), ...withA()], /tampered\.zkey: refused, its key does not follow its transcript \(tampered or corrupt\)/],
      [["finalize", model, z("tampered"), ...withA(), "--beacon", BEACON], /tampered\.zkey: refused, its key does not follow its transcript/],
      [["verify", model, z("tampered-transcript"), ...withA()], /tampered-transcript\.zkey: refused, a contribution's proof of knowledge is invalid \(tampered transcript\)/],
      [["verify", model, z("corrupt"), ...withA()], /corrupt\.zkey: .*(truncated|corrupt)/],
      [["contribute", z("corrupt"), "--out", z("never")], /corrupt\.zkey: .*(truncated|corrupt)/],
      [["verify", model, z("2"), "--ptau", ptau.b, "--ptau-hash", ptau.hashB], /2\.zkey: refused, it was not started from this powers of tau/],
      [["finalize", model, z("2"), "--ptau", ptau.b, "--ptau-hash", ptau.hashB, "--beacon", BEACON], /2\.zkey: refused, it was not started from this powers of tau/],
      [["finalize", model, z("2"), "--ptau", ptau.a, "--ptau-hash", ptau.hashB, "--beacon", BEACON], /a\.ptau .*does not match the expectedHash/],
      [["finalize", model, z("2"), "--ptau", devPtau, "--ptau-hash", await blake2b512File(devPtau), "--beacon", BEACON], /made by zkinfer's development generator/],
      [["finalize", model, z("2"), ...withA(), "--beacon", "0xzz"], /option "beacon" must be 1 to 255 bytes of hex/],
      [["finalize", model, z("2"), ...withA(), "--beacon", BEACON, "--iterations", "5"], /option "iterations" must be an integer from 10 to 63/],
      [["contribute", z("1"), "--out", z("2")], /2\.zkey already exists/],
      [["init", model, "--out", z("never")], /missing --ptau <ceremony file> \(or --insecure-dev-ptau/],
    ];
    const help = await zkinferInProcess("ceremony", "--help");
    expect(help.stdout).toContain("zkinfer ceremony init <model> <ptau> --out <zkey>");
    cases.push([["publish", z("2")], /unknown step "publish": one of init, contribute, verify, finalize/]);
    const before = [snapshot(path.join(model, "build", "setup")), snapshot(path.join(other, "build", "setup"))];
    const files = readdirSync(tmp.path).sort();
    for (const [args, msg] of cases) {
      const r = await zkinferInProcess("ceremony", ...args);
      expect(r.code, `${args.join(" ")}\n${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stdout).toBe("");
    }
    expect([snapshot(path.join(model, "build", "setup")), snapshot(path.join(other, "build", "setup"))]).toEqual(before);
    expect(readdirSync(tmp.path).sort()).toEqual(files);
  }, 600_000);

  it("on the development ptau (an explicit flag) the same steps give an installed key that is not trusted", async () => {
    const dev = ["--insecure-dev-ptau", "--dev-ptau-dir", defaultPaths().ptauDir];
    expect((await ok("ceremony", "init", other, ...dev, "--out", z("dev0"))).ptau).toBe("dev (INSECURE)");
    await ok("ceremony", "contribute", z("dev0"), "--out", z("dev1"), "--name", "carol");
    const f = await ok("ceremony", "finalize", other, z("dev1"), ...dev, "--beacon", BEACON);
    expect(f).toMatchObject({ trusted: false, setup: { ptau: "dev", phase2: "ceremony" } });
    expect((await ok("ceremony", "verify", other, z("dev1"), ...dev)).ptau).toBe("dev (INSECURE)");
  }, 300_000);

  it("a folder holding only a circuit (no integer ONNX) can hold a ceremony, but is never proved or set up (deploy: see the attack above)", async () => {
    for (const args of [["prove", model, "--input", "[1,2]"], ["setup", model]]) {
      const r = await zkinferInProcess(...args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr).toContain("files.integer");
    }
  }, 120_000);
});
