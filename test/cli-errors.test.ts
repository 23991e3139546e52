/**
 * Every error that reaches the CLI maps to its exit code (0 ok, 1 invalid proof, 2 usage or
 * input, 3 other failure), and a bad value names the flag that carried it. The mapping is
 * checked on the errors the library really throws; the commands run in this process (cli/run.ts
 * main), one of them as a child process (bin/zkinfer.js: the wiring, the exit code).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { exitFor, flagOf } from "../cli/exit-codes.ts";
import { UsageError } from "../cli/args.ts";
import { ProverError } from "../prover/errors.ts";
import { PtauError } from "../prover/ptau/errors.ts";
import { parseSalt } from "../prover/commitment.ts";
import { parseNonce, circuitInputs } from "../prover/inputs.ts";
import { toInt8Input } from "../prover/input-values.ts";
import { checkBeacon } from "../prover/ceremony/finalize.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const scratch = path.join(REPO_ROOT, "build", `cli-errors-${process.pid}`);
mkdirSync(scratch, { recursive: true });
afterAll(async () => {
  await terminateSnarkjsCurves();
  rmSync(scratch, { recursive: true, force: true });
});

const thrown = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error("no error");
};

const proveOptions = { input: {}, float: {}, "input-salt": {}, nonce: {}, out: {}, opening: {} };
const finalizeOptions = { ptau: {}, "ptau-hash": {}, beacon: {}, iterations: {}, out: {} };

describe("exitFor: the CLI's one error mapping", () => {
  const cases: [string, unknown, Record<string, unknown>, 2 | 3, RegExp][] = [
    ["a usage error", new UsageError("missing --input"), proveOptions, 2, /^missing --input$/],
    ["a salt the library refuses, given as --input-salt", thrown(() => parseSalt("0x10", "--input-salt")), proveOptions, 2, /^--input-salt: expected a decimal field element/],
    ["a nonce the library refuses", thrown(() => parseNonce("-1", "--nonce")), proveOptions, 2, /^--nonce: expected an integer/],
    ["an input value refused by the one input check", thrown(() => toInt8Input([1, NaN], { shape: [2], shift: 0 }, "int8", "--input")), proveOptions, 2, /^--input\[1\]: expected a finite number/],
    ["a library option named by its own name (beacon)", thrown(() => checkBeacon({ hash: "zz", iterationsExp: 10 })), finalizeOptions, 2, /^--beacon: option "beacon" must be/],
    ["a library option in camelCase (ptauHash)", new ProverError('importPtau: option "expectedHash" must be 128 hex digits', { field: "ptauHash" }), finalizeOptions, 2, /^--ptau-hash: importPtau/],
    ["a library field the command has no flag for stays as it is", thrown(() => circuitInputs({ visibility: { weights: "fixed", input: "hashed", output: "hashed" } }, [1])), proveOptions, 2, /^salt: the model's output commitment is salted/],
    ["a bad ptau file", new PtauError("x.ptau: not a ptau file"), finalizeOptions, 2, /^x\.ptau: not a ptau file$/],
    ["a bug (the proof does not carry onnxruntime's output) is not the caller's fault", new ProverError("model m: the proof does not carry onnxruntime's output: ...", { internal: true }), proveOptions, 3, /^model m: the proof/],
    ["anything else (snarkjs, the file system)", Object.assign(new Error("EIO: i/o error"), { code: "EIO" }), proveOptions, 3, /^EIO/],
    ["a thrown non-error", "boom", proveOptions, 3, /^boom$/],
  ];
  for (const [what, err, options, code, message] of cases) {
    it(`${what} → ${code}`, () => {
      const r = exitFor(err, options);
      expect(r.code).toBe(code);
      expect(r.message).toMatch(message);
    });
  }

  it("flagOf keeps flags and positionals, and maps only options the command has", () => {
    expect(flagOf("--input[3]")).toBe("--input[3]");
    expect(flagOf("<model>")).toBe("<model>");
    expect(flagOf("inputSalt", proveOptions)).toBe("--input-salt");
    expect(flagOf("inputSalt", {})).toBeUndefined();
  });
});

describe("the CLI's error paths", () => {
  it("prove refuses an input of the wrong shape, naming --input, before any work", async () => {
    const rows = Array.from({ length: 4 }, () => Array(16).fill(0));
    const r = await zkinfer("prove", "digits-mlp", "--input", JSON.stringify(rows)); // the file's one child process
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain("zkinfer prove: --input: expected 1 elements (shape [1, 64]), got 4");
  });

  it("prove and export-verifier refuse an --out in a missing folder before any work", async () => {
    const p = await zkinferInProcess("prove", "digits-mlp", "--input", JSON.stringify(Array(64).fill(0)), "--out", "/nonexistent-dir/p.json");
    expect(p.code, p.stderr).toBe(2);
    expect(p.stderr).toMatch(/--out: folder \/nonexistent-dir does not exist/);
    const e = await zkinferInProcess("export-verifier", "digits-mlp", "--out", "/nonexistent-dir/V.sol");
    expect(e.code, e.stderr).toBe(2);
    expect(e.stderr).toMatch(/--out: folder \/nonexistent-dir does not exist/);
  });

  it("verify: a proof snarkjs cannot read is INVALID (1), a --vkey that is no key is a usage error (2)", async () => {
    const setup = await zkinferInProcess("setup", "digits-mlp");
    expect(setup.code, setup.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "manifest.json"), "utf8"));
    const signals = manifest.publicSignals.map(() => "1");
    const proofFile = path.join(scratch, "garbage.json");
    writeFileSync(proofFile, JSON.stringify({ proof: { pi_a: ["x", "y", "1"], pi_b: [["1", "2"], ["3", "4"], ["1", "0"]], pi_c: ["1", "2", "1"], protocol: "groth16", curve: "bn128" }, publicSignals: signals }));
    const bad = await zkinferInProcess("verify", "digits-mlp", "--proof", proofFile);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^INVALID: /);
    const notKey = path.join(scratch, "not-a-key.json");
    writeFileSync(notKey, JSON.stringify({ hello: 1 }));
    const k = await zkinferInProcess("verify", "digits-mlp", "--proof", proofFile, "--vkey", notKey);
    expect(k.code, k.stderr).toBe(2);
    expect(k.stderr).toContain(`--vkey: ${notKey} is not a Groth16 verifying key`);
  });

  it("setup names --ptau-hash when the hash is malformed", async () => {
    // The development powers of tau the setup above made (or found) in the clone's data directory.
    const ptauDir = path.join(REPO_ROOT, "build", "ptau");
    const ptau = path.join(ptauDir, readdirSync(ptauDir).find((f) => f.endsWith(".ptau"))!);
    const r = await zkinferInProcess("setup", "digits-mlp", "--ptau", ptau, "--ptau-hash", "abc");
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/zkinfer setup: --ptau-hash: .*option "expectedHash" must be 128 hex digits/);
  });
});
