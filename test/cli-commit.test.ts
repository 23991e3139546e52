/**
 * `zkinfer commit`: the input commitment without a proof, computed locally from the model folder
 * or asked of a running gateway (--gateway); both equal prover/commitment.ts's and what infer
 * returns, and neither creates a job. Refusals exit 2 naming the flag: a public-input model (no
 * commitment), a salt for an unsalted model, strict floats out of range.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputCommitment } from "../prover/commitment.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { json, startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";

const x = testDigits(1)[0].pixels;
const tmp = makeTempDir("zkinfer-cli-commit-");
let s: TestServer;
const jobs = () => {
  const st = s.service.stats();
  return st.queued + st.proving + st.proved + st.failed;
};

/** A copy of digits-mlp's manifest with another input visibility (commit reads only the manifest). */
function variant(input: string): string {
  const dir = tmp.file(`digits-mlp-${input}`);
  const m = JSON.parse(readFileSync(path.join(openModelDir("digits-mlp").dir, "manifest.json"), "utf8"));
  m.visibility.input = input;
  m.name = `digits-mlp-${input}`;
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(m));
  return dir;
}

beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s?.close();
  tmp.remove();
});

describe("zkinfer commit", () => {
  it("locally and with --gateway: prover/commitment.ts's commitment, the one infer returns; no job", async () => {
    const want = (await inputCommitment(x)).toString();
    const local = await zkinfer("commit", "digits-mlp", "--input", JSON.stringify(x));
    expect(local.code, local.stderr).toBe(0);
    expect(JSON.parse(local.stdout)).toMatchObject({ model: "digits-mlp", modelId: openModelDir("digits-mlp").manifest.modelId, inputCommitment: want });
    const before = jobs();
    const remote = await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(x.map((p) => p / 16)), "--float", "--gateway", s.url);
    expect(remote.code, remote.stderr).toBe(0);
    expect(JSON.parse(remote.stdout)).toMatchObject({ inputCommitment: want });
    expect(jobs()).toBe(before);
    const r = await json(`${s.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: x } });
    expect(r.body.inputCommitment).toBe(want);
  });

  it("reports clipped floats, and with --strict refuses them naming the value (locally and through the gateway)", async () => {
    const f = x.map((p) => p / 16);
    f[3] = 9;
    const local = await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(f), "--float");
    expect(local.code).toBe(0);
    expect(JSON.parse(local.stdout).warning).toMatchObject({ clipped: 1, field: "--input[3]" });
    expect(local.stderr).toMatch(/warning: 1 float value\(s\) outside -8\.\.7\.9375/);
    const strict = await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(f), "--float", "--strict");
    expect(strict.code).toBe(2);
    expect(strict.stderr).toMatch(/--input\[3\]: 9 is outside the range/);
    const before = jobs();
    const remote = await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(f), "--float", "--strict", "--gateway", s.url);
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/--gateway: 400 --input\[3\]: 9 is outside the range/);
    expect(jobs()).toBe(before);
  });

  it("hashed-salted input: the given salt (or a fresh one, printed); public input and misplaced flags are refused (exit 2)", async () => {
    const salted = variant("hashed-salted");
    const a = await zkinferInProcess("commit", salted, "--input", JSON.stringify(x), "--input-salt", "77");
    expect(a.code, a.stderr).toBe(0);
    expect(JSON.parse(a.stdout)).toMatchObject({ inputSalt: "77", inputCommitment: (await inputCommitment(x, 77n)).toString() });
    const fresh = JSON.parse((await zkinferInProcess("commit", salted, "--input", JSON.stringify(x))).stdout);
    expect(fresh.inputCommitment).toBe((await inputCommitment(x, BigInt(fresh.inputSalt))).toString());
    const pub = await zkinferInProcess("commit", variant("public"), "--input", JSON.stringify(x));
    expect(pub.code).toBe(2);
    expect(pub.stderr).toMatch(/input is public .*no input commitment to compute/);
    const salt = await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(x), "--input-salt", "5");
    expect(salt.code).toBe(2);
    expect(salt.stderr).toMatch(/--input-salt: model digits-mlp's input is hashed, its commitment takes no salt/);
    const viaGateway = await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(x), "--input-salt", "5", "--gateway", s.url);
    expect(viaGateway.code).toBe(2);
    expect(viaGateway.stderr).toMatch(/--gateway: 400 --input-salt: model digits-mlp's input is hashed/);
    const bad = await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(x.slice(1)));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--input: expected 64 elements/);
    expect((await zkinferInProcess("commit", "digits-mlp", "--input", "[1]", "--gateway", "ftp://x")).stderr).toMatch(/--gateway: expected the server's http\(s\) URL/);
    expect((await zkinferInProcess("commit", "digits-mlp", "--input", JSON.stringify(x), "--strict")).code).toBe(2);
  });
});
