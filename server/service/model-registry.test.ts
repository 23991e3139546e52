/**
 * Two model folders of one integer ONNX (a variant compiled with another visibility) share the
 * model id that jobs, the dispatcher and the on-chain registry know a model by: served side by
 * side, a job of one was proved with the other's circuit (a hashed-input job with a public-input
 * circuit would publish the private input). The registry refuses to open them together.
 */
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { openModelDir } from "../../prover/model-dir.ts";
import { makeTempDir } from "../../test/helpers/temp-dir.ts";
import { ModelRegistry } from "./model-registry.ts";

const tmp = makeTempDir("zkinfer-registry-");
afterAll(() => tmp.remove());

function variant(name: string, input: string): string {
  const src = openModelDir("digits-mlp");
  const dir = tmp.file(name);
  mkdirSync(dir, { recursive: true });
  const m = JSON.parse(readFileSync(path.join(src.dir, "manifest.json"), "utf8"));
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ ...m, name, visibility: { ...m.visibility, input } }));
  copyFileSync(src.onnxPath, path.join(dir, m.files.integer));
  return dir;
}

describe("the model registry", () => {
  it("refuses two models with the same id, naming both; each alone opens", async () => {
    const digits = openModelDir("digits-mlp").dir;
    const pub = variant("digits-mlp-public", "public");
    await expect(ModelRegistry.open([digits, pub])).rejects.toThrow(
      /options\.modelDirs: models "digits-mlp" \(.*\) and "digits-mlp-public" \(.*\) have the same model id c808762232bf[0-9a-f]+ \(the same integer ONNX\); serve one of them/,
    );
    expect((await ModelRegistry.open([pub])).list().map((m) => m.name)).toEqual(["digits-mlp-public"]);
    // A folder that cannot load (its ONNX is missing) takes nothing from the other.
    const broken = variant("digits-mlp-broken", "hashed");
    writeFileSync(path.join(broken, "manifest.json"), JSON.stringify({ ...JSON.parse(readFileSync(path.join(broken, "manifest.json"), "utf8")), files: { integer: "gone.onnx" } }));
    expect((await ModelRegistry.open([digits, broken])).list().map((m) => m.state)).toEqual(["building", "failed"]);
  });
});
