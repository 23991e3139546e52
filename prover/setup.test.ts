/**
 * The forgery that a public-only phase 2 allows, made from public data alone (vkey.json and the
 * beacon constant): it verifies against a key made the old way (newZKey then only a public
 * beacon), and fails against setupGroth16's key, whose phase 2 has a secret contribution.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCircom, REPO_ROOT } from "./circom.ts";
import { defaultPaths } from "./paths.ts";
import { loadSnarkjs, type Groth16Proof } from "./snarkjs.ts";
import { blake2b512File, ensureDevPtau } from "./ptau/index.ts";
import { DEV_BEACON, DEV_BEACON_ITERATIONS_EXP, hashJson, MIN_DEV_POWER, setupGroth16, SETUP_FORMAT } from "./setup.ts";
import { readZkeyTranscript } from "./ceremony/transcript.ts";
import { makeTempDir } from "../test/helpers/temp-dir.ts";
import { snarkjsTestPtau } from "../test/helpers/groth16-fixture.ts";

type Vkey = { vk_alpha_1: string[]; vk_beta_2: string[][]; vk_delta_2: string[][]; IC: string[][] };
const tmp = makeTempDir("zkinfer-setup-test-");
const ptauDir = defaultPaths().ptauDir;
let r1cs: string;

beforeAll(async () => {
  r1cs = (await compileCircom(path.join(REPO_ROOT, "prover", "ptau", "fixtures", "multiplier.circom"), tmp.file("circuit"))).r1cs;
});
afterAll(() => tmp.remove());

const str = (v: unknown): unknown => (Array.isArray(v) ? v.map(str) : String(v));

/**
 * The attack: snarkjs' beacon derives its key from the beacon hash alone (sha256 iterated
 * 2^exp times seeds a ChaCha, then Fr.fromRng); after newZKey (delta = 1) that key IS delta.
 * With gamma = 1: A = alpha, B = beta, C = -delta^-1 * (IC0 + sum s_i IC_i) verifies any s.
 */
async function forge(vkey: Vkey, publicSignals: string[]): Promise<Groth16Proof> {
  const curve = await (await loadSnarkjs()).curves.getCurveFromName("bn128");
  const { ChaCha } = (await import("ffjavascript" as string)) as { ChaCha: new (seed: number[]) => unknown };
  let h = Buffer.from(DEV_BEACON, "hex");
  for (let i = 0; i < 2 ** DEV_BEACON_ITERATIONS_EXP; i++) h = createHash("sha256").update(h).digest();
  const delta = curve.Fr.fromRng(new ChaCha([0, 1, 2, 3, 4, 5, 6, 7].map((i) => h.readUInt32BE(4 * i))));
  const g1 = (p: string[]) => curve.G1.fromObject(p.map(BigInt));
  let vkx = g1(vkey.IC[0]);
  publicSignals.forEach((s, i) => { vkx = curve.G1.add(vkx, curve.G1.timesFr(g1(vkey.IC[i + 1]), curve.Fr.e(BigInt(s)))); });
  const c = curve.G1.neg(curve.G1.timesFr(vkx, curve.Fr.inv(delta)));
  return {
    pi_a: str(curve.G1.toObject(curve.G1.toAffine(g1(vkey.vk_alpha_1)))) as string[],
    pi_b: vkey.vk_beta_2,
    pi_c: str(curve.G1.toObject(curve.G1.toAffine(c))) as string[],
    protocol: "groth16",
    curve: "bn128",
  };
}

// c = a^4 * b with a public: no a, b give c = 99999 with a = 2 (99999 / 16 is not an integer).
const LIE = ["99999", "2"];

describe("a Groth16 key whose phase 2 is public only", () => {
  it("is forgeable from vkey.json and the beacon: a proof of a false statement verifies", async () => {
    const snarkjs = await loadSnarkjs();
    const ptau = await ensureDevPtau(MIN_DEV_POWER, ptauDir);
    await snarkjs.zKey.newZKey(r1cs, ptau, tmp.file("old.0.zkey"));
    await snarkjs.zKey.beacon(tmp.file("old.0.zkey"), tmp.file("old.zkey"), "old style", DEV_BEACON, DEV_BEACON_ITERATIONS_EXP);
    const vkey = (await snarkjs.zKey.exportVerificationKey(tmp.file("old.zkey"))) as Vkey;
    expect(await snarkjs.groth16.verify(vkey, LIE, await forge(vkey, LIE))).toBe(true);
  });
});

describe("setupGroth16", () => {
  it("makes keys the forgery fails against, with a new delta each time", async () => {
    const snarkjs = await loadSnarkjs();
    const a = await setupGroth16({ r1csPath: r1cs, setupDir: tmp.file("a"), ptau: { kind: "dev", cacheDir: ptauDir } });
    const b = await setupGroth16({ r1csPath: r1cs, setupDir: tmp.file("b"), ptau: { kind: "dev", cacheDir: ptauDir } });
    const [va, vb] = [a, b].map((s) => JSON.parse(readFileSync(s.vkeyPath, "utf8")) as Vkey);
    expect(await snarkjs.groth16.verify(va, LIE, await forge(va, LIE))).toBe(false);
    expect(va.vk_delta_2).not.toEqual(vb.vk_delta_2);
    expect(a.vkeyHash).not.toBe(b.vkeyHash);
    // A real proof still verifies.
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 3, b: 11 }, tmp.file("circuit", "multiplier_js", "multiplier.wasm"), a.zkeyPath);
    expect(await snarkjs.groth16.verify(va, publicSignals, proof)).toBe(true);
  });

  it("records a secret contribution then the beacon, with the hashes snarkjs verify computes; untrusted on the dev ptau", async () => {
    const s = await setupGroth16({ r1csPath: r1cs, setupDir: tmp.file("c"), ptau: { kind: "dev", cacheDir: ptauDir } });
    expect(s).toMatchObject({ format: SETUP_FORMAT, phase2: "setup", trusted: false, ptau: { kind: "dev", insecure: true }, cached: false });
    expect(s.contributions.map((c) => c.kind)).toEqual(["contribution", "beacon"]);
    const t = await readZkeyTranscript(s.zkeyPath);
    expect(t.contributions).toEqual(s.contributions);
    const logged: string[] = [];
    const ptau = await ensureDevPtau(MIN_DEV_POWER, ptauDir);
    expect(await (await loadSnarkjs()).zKey.verifyFromR1cs(r1cs, ptau, s.zkeyPath, { debug() {}, info: (m: string) => logged.push(m), warn() {}, error() {} })).toBe(true);
    const printed = logged.join("\n").replace(/\s+/g, "");
    for (const c of s.contributions) expect(printed).toContain(c.hash);
    const again = await setupGroth16({ r1csPath: r1cs, setupDir: tmp.file("c"), ptau: { kind: "dev", cacheDir: ptauDir } });
    expect(again).toMatchObject({ cached: true, vkeyHash: s.vkeyHash });
  });

  it("two setups of one circuit at once leave one consistent key, vkey and record", async () => {
    const o = { r1csPath: r1cs, setupDir: tmp.file("e"), ptau: { kind: "dev" as const, cacheDir: ptauDir } };
    const [x, y] = await Promise.all([setupGroth16(o), setupGroth16(o)]);
    const info = JSON.parse(readFileSync(path.join(x.dir, "setup.json"), "utf8"));
    expect([x.vkeyHash, y.vkeyHash]).toEqual([info.vkeyHash, info.vkeyHash]);
    expect(hashJson(JSON.parse(readFileSync(x.vkeyPath, "utf8")))).toBe(info.vkeyHash);
    expect((await readZkeyTranscript(x.zkeyPath)).contributions).toEqual(info.contributions);
    expect(readdirSync(tmp.file("e"))).toEqual([path.basename(x.dir)]);
  });

  it("rebuilds a cached setup of the old format (public beacon only): its key is forgeable", async () => {
    const s = await setupGroth16({ r1csPath: r1cs, setupDir: tmp.file("d"), ptau: { kind: "dev", cacheDir: ptauDir } });
    const old = JSON.parse(readFileSync(path.join(s.dir, "setup.json"), "utf8"));
    delete old.format;
    delete old.contributions;
    writeFileSync(path.join(s.dir, "setup.json"), JSON.stringify(old));
    const lines: string[] = [];
    const again = await setupGroth16({ r1csPath: r1cs, setupDir: tmp.file("d"), ptau: { kind: "dev", cacheDir: ptauDir }, log: { info: (m) => lines.push(m) } });
    expect(again.cached).toBe(false);
    expect(again.vkeyHash).not.toBe(s.vkeyHash);
    expect(lines.join("\n")).toMatch(/stale .*setup format 1.*forgeable/);
  });

  it("reuses a ceremony-file setup only for the same bytes: another file of the same name makes a new key", async () => {
    // Two different powers of tau, both named ceremony.ptau (own hashes: custom, never trusted).
    const files = ["x", "y"].map((d) => { mkdirSync(tmp.file(d)); return tmp.file(d, "ceremony.ptau"); });
    for (const f of files) await snarkjsTestPtau(4, f);
    const [hx, hy] = await Promise.all(files.map((f) => blake2b512File(f)));
    const o = (i: number, hash: string) => ({ r1csPath: r1cs, setupDir: tmp.file("f"), ptau: { kind: "file" as const, path: files[i], expectedHash: hash } });
    const x = await setupGroth16(o(0, hx));
    expect(x).toMatchObject({ cached: false, trusted: false, ptau: { kind: "file", file: "ceremony.ptau", blake2b: hx, published: false } });
    const y = await setupGroth16(o(1, hy));
    expect(y).toMatchObject({ cached: false, ptau: { blake2b: hy } });
    expect(y.vkeyHash).not.toBe(x.vkeyHash);
    expect(await setupGroth16(o(1, hy))).toMatchObject({ cached: true, vkeyHash: y.vkeyHash });
  }, 120_000);
});
