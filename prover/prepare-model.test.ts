/**
 * prepareModel, the one path to a ready model, on a fresh model folder (digits-mlp's integer
 * ONNX compiled anew): it compiles and sets up what is missing and reuses what is current;
 * "existing" (how prove, verify and deploy ask) never makes keys and refuses before any compile;
 * an edited circuit or a forgeable old setup is never used.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileModelFile } from "./compiler/model.ts";
import { templateNameFor } from "./compiler/circuit-path.ts";
import { openModelDir } from "./model-dir.ts";
import { prepareModel, currentSetup, modelSetupDir } from "./prepare-model.ts";
import { defaultPaths } from "./paths.ts";
import { terminateSnarkjsCurves } from "./snarkjs.ts";
import { makeTempDir } from "../test/helpers/temp-dir.ts";

const NAME = "prep";
const tmp = makeTempDir("zkinfer-prepare-");
const dir = tmp.file(NAME);
const ls = (d: string) => (existsSync(d) ? readdirSync(d, { recursive: true }).map(String).sort() : []);

beforeAll(async () => {
  mkdirSync(dir, { recursive: true });
  copyFileSync(openModelDir("digits-mlp").onnxPath, path.join(dir, "model.int8.onnx"));
  await compileModelFile({ name: NAME, templateName: templateNameFor(NAME), onnxPath: path.join(dir, "model.int8.onnx"), modelDir: dir, check: { randomInputs: 4 } });
  // A folder as a clone or a copy holds it: manifest, ONNX and circuit, no build.
  rmSync(path.join(dir, "build"), { recursive: true, force: true });
}, 300_000);

afterAll(async () => {
  tmp.remove();
  await terminateSnarkjsCurves();
});

describe("prepareModel", () => {
  it('"existing" refuses a folder without a setup before compiling anything', async () => {
    await expect(prepareModel(dir, { setup: "existing" })).rejects.toThrow(`model ${NAME}: no setup for circuit`);
    expect(existsSync(path.join(dir, "build"))).toBe(false);
  });

  it("setup: false compiles the circuit into build/circuit and makes no setup", async () => {
    const lines: string[] = [];
    const { model, build } = await prepareModel(dir, { setup: false, log: { info: (m) => lines.push(m) } });
    expect(build.r1cs).toBe(path.join(dir, "build", "circuit", `${NAME}.r1cs`));
    expect(existsSync(build.wasm)).toBe(true);
    expect(model.manifest.name).toBe(NAME);
    expect(lines.some((l) => l.startsWith("compiling "))).toBe(true);
    expect(existsSync(modelSetupDir(model))).toBe(false);
  }, 300_000);

  it("makes the setup in build/setup from the data directory's development ptau, then reuses build and setup", async () => {
    const ptauBefore = ls(defaultPaths().ptauDir).filter((f) => f.endsWith(".ptau"));
    const first = await prepareModel(dir);
    expect(first.setup).toMatchObject({ cached: false, circuitHash: first.model.manifest.circuit.hash, trusted: false, ptau: { kind: "dev", insecure: true } });
    expect(first.setup.dir.startsWith(path.join(dir, "build", "setup"))).toBe(true);
    // The dev ptau used is the one cached in the data directory (made there if it was missing).
    expect(ls(defaultPaths().ptauDir)).toContain(first.setup.ptau.file);
    expect(ls(defaultPaths().ptauDir).filter((f) => f.endsWith(".ptau")).length).toBeGreaterThanOrEqual(ptauBefore.length);
    const lines: string[] = [];
    const again = await prepareModel(dir, { log: { info: (m) => lines.push(m) } });
    expect(again.setup).toMatchObject({ cached: true, vkeyHash: first.setup.vkeyHash, zkeyPath: first.setup.zkeyPath });
    expect(lines.some((l) => l.startsWith("circuit unchanged"))).toBe(true);
    expect(lines.some((l) => l.startsWith("compiling "))).toBe(false);
    const existing = await prepareModel(dir, { setup: "existing" });
    expect(existing.setup).toMatchObject({ cached: true, vkeyHash: first.setup.vkeyHash, zkeyPath: first.setup.zkeyPath });
    expect(currentSetup(openModelDir(dir)).vkeyPath).toBe(first.setup.vkeyPath);
  }, 300_000);

  it("an edited circuit is refused, with its setup in place, and nothing is set up for it", async () => {
    const m = openModelDir(dir);
    const original = readFileSync(m.circuitPath, "utf8");
    const setupsBefore = ls(modelSetupDir(m));
    try {
      // A weakened circuit (one constraint fewer would be the attack): any change is refused.
      writeFileSync(m.circuitPath, original.replace("template ", "// edited\ntemplate "));
      for (const setup of [true, "existing", false] as const) {
        await expect(prepareModel(dir, { setup } as never)).rejects.toThrow(`${m.circuitPath}: not the circuit ${m.onnxPath} compiles to`);
      }
      expect(ls(modelSetupDir(m))).toEqual(setupsBefore);
    } finally {
      writeFileSync(m.circuitPath, original);
    }
  }, 300_000);

  it("a setup of the old format (public phase 2 only: forgeable) is refused by \"existing\" and replaced by a default call", async () => {
    const m = openModelDir(dir);
    const old = currentSetup(m);
    const record = path.join(old.dir, "setup.json");
    writeFileSync(record, JSON.stringify({ ...JSON.parse(readFileSync(record, "utf8")), format: 1 }));
    await expect(prepareModel(m, { setup: "existing" })).rejects.toThrow(/the setup in .* is stale \(.*setup format 1.*\); run: zkinfer setup prep/);
    const remade = await prepareModel(m);
    expect(remade.setup.cached).toBe(false);
    expect(remade.setup.vkeyHash).not.toBe(old.vkeyHash);
    expect(currentSetup(m).vkeyHash).toBe(remade.setup.vkeyHash);
  }, 300_000);
});
