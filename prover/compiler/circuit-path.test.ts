/**
 * Where compile puts a circuit by default: the new model folder itself, or the file its manifest
 * already names; a manifest cannot make compile create a file outside its folder.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { defaultCircuitPath } from "./circuit-path.ts";
import { REPO_ROOT } from "../circom.ts";
import { makeTempDir } from "../../test/helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-circuit-path-test-");
afterAll(() => tmp.remove());

function folder(name: string, manifest?: unknown): string {
  const dir = tmp.file(name);
  mkdirSync(dir, { recursive: true });
  if (manifest !== undefined) writeFileSync(path.join(dir, "manifest.json"), typeof manifest === "string" ? manifest : JSON.stringify(manifest));
  return dir;
}

describe("the default circuit file of a model folder", () => {
  it("is <folder>/<name>.circom for a new folder", () => {
    const dir = folder("new");
    expect(defaultCircuitPath(dir, "new")).toBe(path.join(dir, "new.circom"));
  });

  it("is the file the manifest names, inside the folder or existing outside it (the clone's layout)", () => {
    expect(defaultCircuitPath(folder("inside", { files: { circuit: "sub/c.circom" } }), "x")).toBe(tmp.file("inside", "sub", "c.circom"));
    const repoModel = path.join(REPO_ROOT, "models", "digits-mlp");
    expect(defaultCircuitPath(repoModel, "digits-mlp")).toBe(path.join(REPO_ROOT, "circuits", "generated", "digits-mlp.circom"));
  });

  it("refuses a manifest naming a new file outside the folder, or no .circom file, naming the field", () => {
    const dir = folder("escape", { files: { circuit: "../../elsewhere/evil.circom" } });
    expect(() => defaultCircuitPath(dir, "escape")).toThrow(/manifest\.json: files\.circuit "\.\.\/\.\.\/elsewhere\/evil\.circom" lies outside the model folder and does not exist/);
    expect(() => defaultCircuitPath(folder("abs", { files: { circuit: "/tmp/zkinfer-nowhere/x.circom" } }), "abs")).toThrow(/lies outside the model folder/);
    expect(() => defaultCircuitPath(folder("notcircom", { files: { circuit: "../x.sh" } }), "n")).toThrow(/files\.circuit must name a \.circom file, got "\.\.\/x\.sh"/);
    expect(() => defaultCircuitPath(folder("badjson", "{"), "b")).toThrow(/manifest\.json: not valid JSON/);
  });
});
