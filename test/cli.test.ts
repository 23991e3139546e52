/**
 * The zkinfer CLI as a user runs it, on the digits-mlp model and on a copy compiled into a
 * scratch folder. One command runs as a child process (bin/zkinfer.js: the wiring, the exit
 * code); the rest in this process (cli/run.ts main, the same code from argv to exit code),
 * as docs/ci-time.md asks.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const scratch = path.join(REPO_ROOT, "build", `cli-test-${process.pid}`);
mkdirSync(scratch, { recursive: true });
afterAll(async () => {
  await terminateSnarkjsCurves();
  rmSync(scratch, { recursive: true, force: true });
});


const digit = splitDigits(loadDigits()).test[7];

describe("zkinfer CLI", () => {
  it("every command has --help", async () => {
    for (const cmd of ["import", "compile", "setup", "prove", "verify", "export-verifier"]) {
      const r = await zkinferInProcess(cmd, "--help");
      expect(r.code, cmd).toBe(0);
      expect(r.stdout).toContain(`usage: zkinfer ${cmd}`);
    }
  });

  it("an unknown command or option is refused, naming it", async () => {
    const a = await zkinfer("frobnicate"); // the file's one child process: bin/zkinfer.js to exit code 2
    expect(a.code).toBe(2);
    expect(a.stderr).toContain('unknown command "frobnicate"');
    const b = await zkinferInProcess("prove", "digits-mlp", "--inptu", "[1]");
    expect(b.code).toBe(2);
    expect(b.stderr).toContain("--inptu");
  });

  it("setup, prove and verify a digit; a tampered proof file is invalid", async () => {
    const setup = await zkinferInProcess("setup", "digits-mlp");
    expect(setup.code, setup.stderr).toBe(0);
    const s = JSON.parse(setup.stdout);
    expect(s.insecure).toBe(true);
    const inputFile = path.join(scratch, "digit.json");
    writeFileSync(inputFile, JSON.stringify(digit.pixels));
    const proofFile = path.join(scratch, "proof.json");
    const p = await zkinferInProcess("prove", "digits-mlp", "--input", inputFile, "--out", proofFile);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toContain("proved in");
    const proof = JSON.parse(readFileSync(proofFile, "utf8"));
    expect(proof.output).toHaveLength(10);
    expect(proof.input).toBeUndefined(); // a hashed input is private: never in the proof file
    const ok = await zkinferInProcess("verify", "digits-mlp", "--proof", proofFile);
    expect(ok.stdout.trim()).toBe("valid");
    expect(ok.code).toBe(0);
    proof.publicSignals[3] = (BigInt(proof.publicSignals[3]) + 1n).toString();
    writeFileSync(proofFile, JSON.stringify(proof));
    const bad = await zkinferInProcess("verify", "digits-mlp", "--proof", proofFile);
    expect(bad.stdout.trim()).toBe("INVALID: the Groth16 proof does not verify against the verifying key");
    expect(bad.code).toBe(1);
  });

  it("prove refuses an input of the wrong length or range, naming the field", async () => {
    const short = await zkinferInProcess("prove", "digits-mlp", "--input", "[1,2,3]");
    expect(short.code).toBe(2);
    expect(short.stderr).toContain("--input: expected 64 elements (shape [64]), got 3");
    const big = await zkinferInProcess("prove", "digits-mlp", "--input", JSON.stringify([...digit.pixels.slice(0, 63), 300]));
    expect(big.code).toBe(2);
    expect(big.stderr).toContain("--input[63]: 300 is not an int8");
  });

  it("verify names a missing proof file", async () => {
    const r = await zkinferInProcess("verify", "digits-mlp", "--proof", "/nonexistent/proof.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--proof: file /nonexistent/proof.json does not exist");
  });

  it("export-verifier writes the Solidity verifier", async () => {
    await zkinferInProcess("setup", "digits-mlp");
    const out = path.join(scratch, "Verifier.sol");
    const r = await zkinferInProcess("export-verifier", "digits-mlp", "--out", out);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("contract Groth16Verifier");
  });

  it("compile makes a circuit and manifest from an integer ONNX file", async () => {
    const dir = path.join(scratch, "copy-model");
    mkdirSync(dir, { recursive: true });
    copyFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "model.int8.onnx"), path.join(dir, "model.int8.onnx"));
    const circuit = path.join(scratch, "copy-model.circom");
    const badCount = await zkinferInProcess("compile", path.join(dir, "model.int8.onnx"), "--circuit", circuit, "--check-inputs", "many");
    expect(badCount.code).toBe(2);
    expect(badCount.stderr).toContain('--check-inputs: "many" must be a non-negative integer');
    expect(existsSync(path.join(dir, "manifest.json"))).toBe(false);
    const r = await zkinferInProcess("compile", path.join(dir, "model.int8.onnx"), "--circuit", circuit, "--check-inputs", "40", "--check-seed", "9");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("differential check: onnxruntime and the circuit agree on 45 inputs (seed 9,");
    const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    const committed = JSON.parse(readFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "manifest.json"), "utf8"));
    expect(manifest.modelId).toBe(committed.modelId);
    expect(manifest.circuit.constraints).toBe(committed.circuit.constraints);
    // The check's parameters stay in the manifest: a reader sees how far the circuit was checked.
    expect(manifest.differentialCheck).toEqual({
      inputs: 45, extremes: ["all -128", "all 127", "alternating -128/127", "alternating 127/-128", "all 0"],
      randomInputs: 40, seed: 9, seedFrom: "given", constraintsCheckedOn: "extremes",
      soundnessProbe: { wires: expect.any(Number), benignFree: expect.any(Number) },
    });
    expect(manifest.differentialCheck.soundnessProbe.wires).toBeGreaterThan(0);
    const none = await zkinferInProcess("compile", path.join(dir, "model.int8.onnx"), "--circuit", circuit, "--check-inputs", "0");
    expect(none.code, none.stderr).toBe(0);
    const m0 = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
    expect(m0.differentialCheck).toMatchObject({ inputs: 5, randomInputs: 0, seed: parseInt(m0.modelId.slice(0, 8), 16), seedFrom: "the first 32 bits of modelId" });
    expect(existsSync(circuit)).toBe(true);
    const missing = await zkinferInProcess("compile", path.join(dir, "nope.onnx"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("nope.onnx does not exist");
  });
});
