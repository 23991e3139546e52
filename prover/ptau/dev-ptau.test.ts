// Tests of the INSECURE dev ptau generator and of importPtau. One small file (2^8) is
// generated once and checked against direct curve arithmetic, against snarkjs' own
// prepare phase2, and end to end through snarkjs groth16/plonk setup, prove and verify.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCircom } from "../circom.ts";
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import {
  DEV_PTAU_SEED, PtauError, blake2b512File, deriveDevSecrets, devPtauFileName, ensureDevPtau,
  generateDevPtau, importPtau, readPtauHeader,
} from "./index.ts";
import { FR, pow } from "./field.ts";

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, "../..");
const POWER = 8;

// snarkjs and ffjavascript ship no types: loaded through non-literal specifiers.
const snarkjs: any = await import("snarkjs" as string);
const ffjs: any = await import("ffjavascript" as string);

let dir: string;
let ptau: string;
let bytes: Uint8Array;
let curve: any;
const logLines: string[] = [];

/** Section id -> [offset, size] of a ptau file in memory. */
function sections(b: Uint8Array): Map<number, [number, number]> {
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const out = new Map<number, [number, number]>();
  let pos = 12;
  for (let i = 0; i < dv.getUint32(8, true); i++) {
    const id = dv.getUint32(pos, true);
    const size = Number(dv.getBigUint64(pos + 4, true));
    out.set(id, [pos + 12, size]);
    pos += 12 + size;
  }
  return out;
}

function point(id: number, index: number, size: number): Uint8Array {
  const [off] = sections(bytes).get(id)!;
  return bytes.slice(off + index * size, off + (index + 1) * size);
}

/** k*G in snarkjs' file encoding (affine little-endian Montgomery), computed the slow, obvious way. */
function expectedPoint(group: "G1" | "G2", k: bigint): Uint8Array {
  const G = curve[group];
  const out = new Uint8Array(G.F.n8 * 2);
  G.toRprLEM(out, 0, G.toAffine(G.timesScalar(G.g, ffjs.Scalar.e(k.toString()))));
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "zkinfer-ptau-test-"));
  ptau = path.join(dir, `dev_${POWER}.ptau`);
  const logger = { info: (m: string) => logLines.push(m), debug: () => {} };
  await generateDevPtau({ power: POWER, outPath: ptau, logger });
  bytes = new Uint8Array(await readFile(ptau));
  curve = await ffjs.getCurveFromName("bn128", { singleThread: true });
});

afterAll(async () => {
  await curve?.terminate();
  // snarkjs caches a multi-threaded curve globally; the process hangs until it is terminated.
  await (globalThis as any).curve_bn128?.terminate();
  await rm(dir, { recursive: true, force: true });
});

describe("generateDevPtau", () => {
  it("labels the file and its log output as insecure development material", () => {
    expect(logLines.some((l) => l.includes("DEVELOPMENT ONLY: the toxic waste of this file is known"))).toBe(true);
    expect(Buffer.from(bytes).includes(Buffer.from("INSECURE dev ptau, toxic waste known"))).toBe(true);
  });

  it("writes every section of a prepared snarkjs ptau file with the expected sizes", async () => {
    const s = sections(bytes);
    const n = 2 ** POWER;
    expect([...s.keys()]).toEqual([1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15]);
    expect(s.get(2)![1]).toBe((2 * n - 1) * 64);
    expect(s.get(3)![1]).toBe(n * 128);
    expect(s.get(12)![1]).toBe((4 * n - 1) * 64);
    expect(s.get(13)![1]).toBe((2 * n - 1) * 128);
    const header = await readPtauHeader(ptau);
    expect(header.power).toBe(POWER);
    expect(header.ceremonyPower).toBe(POWER);
  });

  it("computes tau^i, alpha*tau^i and beta*tau^i points equal to direct scalar multiplication", () => {
    const { tau, alpha, beta } = deriveDevSecrets(DEV_PTAU_SEED);
    for (const i of [0, 1, 2, 77, 2 * 2 ** POWER - 2]) {
      expect(point(2, i, 64)).toEqual(expectedPoint("G1", pow(tau, BigInt(i))));
    }
    for (const i of [0, 1, 2 ** POWER - 1]) {
      expect(point(3, i, 128)).toEqual(expectedPoint("G2", pow(tau, BigInt(i))));
      expect(point(4, i, 64)).toEqual(expectedPoint("G1", (alpha * pow(tau, BigInt(i))) % FR));
      expect(point(5, i, 64)).toEqual(expectedPoint("G1", (beta * pow(tau, BigInt(i))) % FR));
    }
    expect(point(6, 0, 128)).toEqual(expectedPoint("G2", beta));
  });

  it("is consistent under the pairing: e(tau^(i+1) G1, G2) == e(tau^i G1, tau G2)", async () => {
    const G1 = curve.G1;
    const g2 = curve.G2.fromRprLEM(point(3, 0, 128), 0);
    const tauG2 = curve.G2.fromRprLEM(point(3, 1, 128), 0);
    for (const i of [0, 5, 200]) {
      const a = G1.fromRprLEM(point(2, i + 1, 64), 0);
      const b = G1.fromRprLEM(point(2, i, 64), 0);
      expect(await curve.pairingEq(a, g2, G1.neg(b), tauG2)).toBe(true);
    }
  });

  /** Cuts a file after section 7 (an unprepared ptau), lets snarkjs prepare it, returns snarkjs' file. */
  async function snarkjsPrepared(file: Uint8Array, name: string): Promise<Uint8Array> {
    const [off7, size7] = sections(file).get(7)!;
    const unprepared = file.slice(0, off7 + size7);
    new DataView(unprepared.buffer).setUint32(8, 7, true);
    const inPath = path.join(dir, `${name}_unprepared.ptau`);
    const outPath = path.join(dir, `${name}_snarkjs_prepared.ptau`);
    await writeFile(inPath, unprepared);
    await snarkjs.powersOfTau.preparePhase2(inPath, outPath);
    return new Uint8Array(await readFile(outPath));
  }

  it("writes Lagrange sections byte-identical to what snarkjs prepare phase2 computes from its sections 1-7", async () => {
    const ref = await snarkjsPrepared(bytes, "p8");
    expect(ref.length).toBe(bytes.length);
    expect(Buffer.compare(Buffer.from(ref), Buffer.from(bytes))).toBe(0);
  });

  it("matches snarkjs prepare phase2 at power 1 too (domains of 1, 2 and 4 points)", async () => {
    const small = path.join(dir, "p1.ptau");
    await generateDevPtau({ power: 1, outPath: small, seed: "power one" });
    const file = new Uint8Array(await readFile(small));
    expect(Buffer.compare(Buffer.from(await snarkjsPrepared(file, "p1")), Buffer.from(file))).toBe(0);
  });

  it("is deterministic for a seed and changes with the seed", async () => {
    const a = path.join(dir, "a.ptau");
    const b = path.join(dir, "b.ptau");
    const c = path.join(dir, "c.ptau");
    await generateDevPtau({ power: 3, outPath: a, seed: "one", threads: 1 });
    await generateDevPtau({ power: 3, outPath: b, seed: "one", threads: 2 });
    await generateDevPtau({ power: 3, outPath: c, seed: "two" });
    expect(await blake2b512File(a)).toBe(await blake2b512File(b));
    expect(await blake2b512File(a)).not.toBe(await blake2b512File(c));
  });

  it("rejects a power of 0, 29, 28 or a non-integer, and bad threads, with errors naming the option", async () => {
    const outPath = path.join(dir, "never.ptau");
    for (const power of [0, 29, 2.5, Number.NaN, "8" as unknown as number]) {
      await expect(generateDevPtau({ power, outPath })).rejects.toThrow(/option "power" must be an integer from 1 to 28/);
    }
    await expect(generateDevPtau({ power: 0, outPath })).rejects.toBeInstanceOf(PtauError);
    await expect(generateDevPtau({ power: 28, outPath })).rejects.toThrow(/option "power" = 28 is not supported/);
    await expect(generateDevPtau({ power: 4, outPath, threads: 0 })).rejects.toThrow(/option "threads"/);
    await expect(generateDevPtau({ power: 4, outPath: "" })).rejects.toThrow(/option "outPath"/);
    await expect(generateDevPtau({ power: 4, outPath, seed: "" })).rejects.toThrow(/option "seed"/);
  });
});

describe("snarkjs setup with a dev ptau", () => {
  let r1cs: string;
  let wasm: string;
  beforeAll(async () => {
    // A build folder of its own per process: a clean clone has none, and test files run in parallel.
    const out = await compileCircom(path.join(here, "fixtures", "multiplier.circom"), path.join(repoRoot, "build", `ptau-test-${process.pid}`));
    r1cs = out.r1cs;
    wasm = out.wasm;
  });

  it("groth16 setup accepts the file and a proof made with the zkey verifies", async () => {
    const zkey = path.join(dir, "g16.zkey");
    await snarkjs.zKey.newZKey(r1cs, ptau, zkey);
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    const { proof, publicSignals } = await snarkjs.groth16.fullProve({ a: 3, b: 11 }, wasm, zkey);
    expect(publicSignals).toEqual([String(81 * 11), "3"]);
    expect(await snarkjs.groth16.verify(vk, publicSignals, proof)).toBe(true);
    expect(await snarkjs.groth16.verify(vk, [String(81 * 11 + 1), "3"], proof)).toBe(false);
  });

  it("plonk setup accepts the file and a proof made with the zkey verifies", async () => {
    const zkey = path.join(dir, "plonk.zkey");
    await snarkjs.plonk.setup(r1cs, ptau, zkey);
    const vk = await snarkjs.zKey.exportVerificationKey(zkey);
    const { proof, publicSignals } = await snarkjs.plonk.fullProve({ a: 2, b: 5 }, wasm, zkey);
    expect(await snarkjs.plonk.verify(vk, publicSignals, proof)).toBe(true);
  });
});

describe("importPtau", () => {
  it("accepts a file whose blake2b-512 matches the expected hash and reads its power", async () => {
    const hash = await blake2b512File(ptau);
    const info = await importPtau(ptau, { expectedHash: hash, power: POWER });
    expect(info).toMatchObject({ power: POWER, blake2b: hash, prepared: true });
  });

  it("refuses a hash mismatch with an error naming the file, the expected and the actual hash", async () => {
    const actual = await blake2b512File(ptau);
    const expected = "ab".repeat(64);
    const err = await importPtau(ptau, { expectedHash: expected }).catch((e) => e);
    expect(err).toBeInstanceOf(PtauError);
    expect(err.message).toContain(ptau);
    expect(err.message).toContain(`expected ${expected}`);
    expect(err.message).toContain(`actual ${actual}`);
  });

  it("checks against the published Hermez hash for the header's power by default", async () => {
    await expect(importPtau(ptau)).rejects.toThrow(/powersOfTau28_hez_final_08\.ptau: blake2b-512 expected d6a8fb3a/);
  });

  it("refuses a file whose header power differs from the requested power", async () => {
    await expect(importPtau(ptau, { power: 12 })).rejects.toThrow(/header says power 8, but option "power" is 12/);
  });

  it("refuses a file that is not a ptau file, naming it", async () => {
    const bogus = path.join(dir, "bogus.ptau");
    await writeFile(bogus, "not a ptau file at all");
    await expect(importPtau(bogus)).rejects.toThrow(`${bogus}: not a .ptau file`);
  });
});

describe("ensureDevPtau", () => {
  it("generates a cached file named by power and seed once, then reuses it", async () => {
    const cache = path.join(dir, "cache");
    const lines: string[] = [];
    const p1 = await ensureDevPtau(4, cache, { info: (m) => lines.push(m) });
    expect(path.basename(p1)).toBe(devPtauFileName(4));
    expect(path.basename(p1)).toMatch(/^dev_insecure_pot04_[0-9a-f]{16}\.ptau$/);
    const m1 = (await stat(p1)).mtimeMs;
    const [p2, p3] = await Promise.all([ensureDevPtau(4, cache), ensureDevPtau(4, cache)]);
    expect(p2).toBe(p1);
    expect(p3).toBe(p1);
    expect((await stat(p1)).mtimeMs).toBe(m1);
    expect(await readdir(cache)).toEqual([path.basename(p1)]); // no temporary file left behind
  });
});
