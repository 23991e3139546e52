/**
 * A model's circuit file must be what its ONNX compiles to. The attack: in a model folder,
 * remove one constraint from the .circom (a value the circuit no longer pins down can then be
 * anything the prover likes) and keep the manifest. The differential check ran at compile time
 * on the honest circuit; the server, setup and prove built whatever file the manifest named.
 * Now each regenerates the circuit and refuses a file that differs, naming it, before building;
 * a build whose r1cs is not the manifest's circuit.hash is refused as well. The CLI commands run
 * in this process (cli/run.ts main), one refusal as a child process (bin/zkinfer.js).
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { createService, silentServiceLogger } from "../server/service/index.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

// circom only sees files below the repo root, so the copies live under build/.
const root = path.join(REPO_ROOT, "build", `circuit-check-${process.pid}`);
const dbDir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-circuit-check-"));
const digit = splitDigits(loadDigits()).test[5];


/** digits-mlp copied into <root>/<tag>/digits-mlp with its circuit inside the folder and its build. */
function copyModel(tag: string, edit: { circuit?: (src: string) => string; manifest?: (m: any) => void } = {}): { modelsDir: string; dir: string; circuit: string } {
  const modelsDir = path.join(root, tag);
  const dir = path.join(modelsDir, "digits-mlp");
  mkdirSync(dir, { recursive: true });
  for (const f of ["model.int8.onnx", "build"]) cpSync(path.join(REPO_ROOT, "models", "digits-mlp", f), path.join(dir, f), { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "manifest.json"), "utf8"));
  const source = readFileSync(path.join(REPO_ROOT, "models", "digits-mlp", manifest.files.circuit), "utf8");
  const circuit = path.join(dir, "circuit.circom");
  writeFileSync(circuit, edit.circuit ? edit.circuit(source) : source);
  manifest.files.circuit = "circuit.circom";
  edit.manifest?.(manifest);
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  return { modelsDir, dir, circuit };
}

/** Drops the last constraint line (`===` or `<==`) of the circuit. */
const dropOneConstraint = (src: string) => {
  const lines = src.split("\n");
  let i = lines.length - 1;
  while (i > 0 && !/===|<==/.test(lines[i])) i--;
  expect(i).toBeGreaterThan(0);
  return [...lines.slice(0, i), ...lines.slice(i + 1)].join("\n");
};

const service = (modelsDir: string, db: string) =>
  createService({ modelsDir, models: ["digits-mlp"], poolThreads: 1, dbPath: path.join(dbDir, db), chain: { mode: "off" } }, { logger: silentServiceLogger });

beforeAll(async () => {
  // The copies take the committed model's build and setup.
  expect((await zkinferInProcess("setup", "digits-mlp")).code).toBe(0);
}, 120_000);

afterAll(async () => {
  await terminateSnarkjsCurves();
  rmSync(root, { recursive: true, force: true });
  rmSync(dbDir, { recursive: true, force: true });
});

describe("the circuit file is regenerated from the ONNX and compared before it is built", () => {
  it("an honest copy loads in the server", async () => {
    const { modelsDir } = copyModel("honest");
    const s = await service(modelsDir, "honest.sqlite");
    expect(s.getModel("digits-mlp").name).toBe("digits-mlp");
    await s.close();
  }, 120_000);

  it("a circuit with one constraint removed is refused by the server's loader, setup and prove, naming the file", async () => {
    const { modelsDir, dir, circuit } = copyModel("edited", { circuit: dropOneConstraint });
    await expect(service(modelsDir, "edited.sqlite")).rejects.toThrow(`${circuit}: not the circuit`);
    const p = await zkinfer("prove", dir, "--input", JSON.stringify(digit.pixels)); // the file's one child process
    expect(p.code).not.toBe(0);
    expect(p.stderr).toContain(`${circuit}: not the circuit`);
    expect(p.stdout).toBe("");
    const s = await zkinferInProcess("setup", dir);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain(`${circuit}: not the circuit`);
  }, 120_000);

  it("a manifest whose circuit.hash is not the built r1cs's is refused", async () => {
    const { dir } = copyModel("rehashed", { manifest: (m) => { m.circuit.hash = "0".repeat(64); } });
    const p = await zkinferInProcess("prove", dir, "--input", JSON.stringify(digit.pixels));
    expect(p.code).not.toBe(0);
    expect(p.stdout).toBe("");
    // The setup is keyed by circuit.hash, so prove stops there or at the hash check; setup reaches the check.
    const s = await zkinferInProcess("setup", dir);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain(`is not the manifest's circuit.hash ${"0".repeat(64)}`);
  }, 120_000);
});
