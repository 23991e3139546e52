/**
 * `zkinfer verify` checks the fields people read, not only the proof. The attack: take a valid
 * proof file and edit its output, a commitment, the model it names, or add an input or a
 * commitment the proof does not carry. The Groth16 proof still verifies (its signals are
 * untouched), so without the field check each edit printed "valid". The commands run in this
 * process (cli/run.ts main), the untouched file's verify as a child process (bin/zkinfer.js).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { proofFileMismatch } from "../prover/proof-check.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const scratch = path.join(REPO_ROOT, "build", `verify-fields-${process.pid}`);
mkdirSync(scratch, { recursive: true });
afterAll(async () => {
  await terminateSnarkjsCurves();
  rmSync(scratch, { recursive: true, force: true });
});


const digit = splitDigits(loadDigits()).test[3];
let original: Record<string, any>;

beforeAll(async () => {
  expect((await zkinferInProcess("setup", "digits-mlp")).code).toBe(0);
  const out = path.join(scratch, "proof.json");
  const p = await zkinferInProcess("prove", "digits-mlp", "--input", JSON.stringify(digit.pixels), "--out", out);
  expect(p.code, p.stderr).toBe(0);
  original = JSON.parse(readFileSync(out, "utf8"));
}, 120_000);

async function verifyEdited(edit: (f: Record<string, any>) => void, run = zkinferInProcess) {
  const f = structuredClone(original);
  edit(f);
  const file = path.join(scratch, `edited-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(f));
  return run("verify", "digits-mlp", "--proof", file);
}

describe("zkinfer verify compares the proof file's fields with the proof", () => {
  it("the untouched file is valid, and the proven output is printed", async () => {
    const r = await verifyEdited(() => {}, zkinfer); // the file's one child process
    expect(r.stdout.trim()).toBe("valid");
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`output: [${original.output.join(", ")}]`);
    expect(r.stderr).toContain(`inputCommitment: ${original.inputCommitment}`);
  });

  const bump = (s: string) => (BigInt(s) + 1n).toString();
  const cases: [string, (f: Record<string, any>) => void, string][] = [
    ["an edited output", (f) => { f.output[0] += 1; }, "INVALID: output: the file says"],
    ["an output as strings", (f) => { f.output = f.output.map(String); }, "INVALID: output: the file says"],
    ["an edited inputCommitment", (f) => { f.inputCommitment = bump(f.inputCommitment); }, "INVALID: inputCommitment: the file says"],
    ["an edited modelId", (f) => { f.modelId = "0".repeat(64); }, "INVALID: modelId: the file says"],
    ["an edited model", (f) => { f.model = "fmnist-lenet5"; }, "INVALID: model: the file says \"fmnist-lenet5\""],
    ["an edited visibility", (f) => { f.visibility = { ...f.visibility, input: "public" }; }, "INVALID: visibility: the file says"],
    ["an added input", (f) => { f.input = digit.pixels; }, "INVALID: input: the file has one, the proof's public signals carry none"],
    ["an added outputCommitment", (f) => { f.outputCommitment = "1"; }, "INVALID: outputCommitment: the file has one, the proof's public signals have none"],
    ["an added weightsCommitment", (f) => { f.weightsCommitment = "1"; }, "INVALID: weightsCommitment: the file has one, the proof's public signals have none"],
    ["a non-decimal public signal", (f) => { f.publicSignals[0] = "x"; }, "INVALID: "],
  ];
  for (const [name, edit, reason] of cases) {
    it(`${name} is INVALID, exit 1`, async () => {
      const r = await verifyEdited(edit);
      expect(r.stdout).toContain(reason);
      expect(r.code).toBe(1);
    });
  }
});

describe("proofFileMismatch on layouts digits-mlp has not (public input, hashed weights)", () => {
  const manifest = openModelDir("digits-mlp").manifest;
  const decoded = { input: [1n, -2n], weightsCommitment: 77n, output: [3n], inputCommitment: undefined };
  it("equal fields pass; an edited input or weightsCommitment is named", () => {
    const base = { model: manifest.name, modelId: manifest.modelId, input: [1, -2], weightsCommitment: "77", output: [3] };
    expect(proofFileMismatch(manifest, base, decoded)).toBeUndefined();
    expect(proofFileMismatch(manifest, { ...base, input: [1, -3] }, decoded)).toMatch(/^input: the file says \[1,-3\], the proof \[1, -2\]/);
    expect(proofFileMismatch(manifest, { ...base, input: [1] }, decoded)).toMatch(/^input: /);
    expect(proofFileMismatch(manifest, { ...base, weightsCommitment: "78" }, decoded)).toMatch(/^weightsCommitment: the file says "78", the proof 77/);
    expect(proofFileMismatch(manifest, { ...base, weightsCommitment: 77 }, decoded)).toMatch(/^weightsCommitment: /);
  });
});
