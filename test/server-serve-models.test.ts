/**
 * `zkinfer serve --models` as a real process on loopback: a model folder outside the repo, with
 * no build (its circuit and setup are made on this start), is served; the server answers
 * /healthz at once and reports the model "building" on /readyz and GET /v1/models, refuses infer
 * with 503 + Retry-After until it is ready, then proves by name and by CID. Broken folders next
 * to it are "failed" with the reason while it serves. A --models path that is not a model folder
 * stops the start with a message naming the flag.
 */
import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { grpcClient } from "../server/grpc/client.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { freePort } from "./helpers/npm-start.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-serve-");
const children: ReturnType<typeof spawn>[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  tmp.remove();
});

/** RFC 4648 base32, lower case, no padding: written out here, independent of multiformats. */
function base32(bytes: Uint8Array): string {
  const abc = "abcdefghijklmnopqrstuvwxyz234567";
  let bits = 0, value = 0, out = "";
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += abc[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += abc[(value << (5 - bits)) & 31];
  return out;
}
/** CIDv1 = varint version 1, varint codec raw 0x55, multihash sha2-256 (0x12, 32 bytes, digest). */
const cidByHand = (data: Buffer) => "b" + base32(Buffer.concat([Buffer.from([0x01, 0x55, 0x12, 0x20]), createHash("sha256").update(data).digest()]));

it("the CID by hand matches the known IPFS vector of \"hello world\"", () => {
  expect(cidByHand(Buffer.from("hello world"))).toBe("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
});

/** digits-mlp as `zkinfer import` would leave it elsewhere: renamed, circuit inside, no build/. */
function userModels(): string {
  const root = tmp.file("mine");
  const src = path.join(REPO_ROOT, "models", "digits-mlp");
  const dir = path.join(root, "my-digits");
  mkdirSync(dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(path.join(src, "manifest.json"), "utf8"));
  cpSync(path.join(src, manifest.files.integer), path.join(dir, manifest.files.integer));
  cpSync(path.join(src, manifest.files.circuit), path.join(dir, "circuit.circom"));
  manifest.files.circuit = "circuit.circom";
  manifest.name = "my-digits";
  writeFileSync(path.join(dir, "manifest.json"), JSON.stringify(manifest, null, 2));
  mkdirSync(path.join(root, "broken"));
  writeFileSync(path.join(root, "broken", "manifest.json"), "{ not json");
  mkdirSync(path.join(root, "no-onnx"));
  writeFileSync(path.join(root, "no-onnx", "manifest.json"), JSON.stringify({ ...manifest, name: "no-onnx", files: { ...manifest.files, integer: "gone.onnx" } }));
  return root;
}

const cli = (args: string[], env: Record<string, string>) =>
  spawn(process.execPath, ["--import", "tsx", "cli/main.ts", ...args], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });

it("a --models path that is not a model folder stops the start, naming the flag", () => {
  const empty = tmp.file("empty");
  mkdirSync(empty);
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/main.ts", "serve", "--models", empty, "--port", "0", "--grpc-port", "0"], {
    cwd: REPO_ROOT, encoding: "utf8", env: { ...process.env, ZKINFER_CHAIN: "off", ZKINFER_MODELS_DIR: empty },
  });
  expect(r.status).toBe(2);
  expect(r.stderr).toContain("--models");
  expect(r.stderr).toContain(`${empty} is not a model folder: no manifest.json in it or in any folder directly inside it`);
});

it("serves a model folder outside the repo: /healthz at once, building → ready, 503 before, proofs by name and CID, broken folders failed", async () => {
  const mine = userModels();
  const onnx = readFileSync(path.join(mine, "my-digits", "model.int8.onnx"));
  const cid = cidByHand(onnx);
  const id = createHash("sha256").update(onnx).digest("hex");
  const [port, grpcPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${port}`;
  mkdirSync(tmp.file("no-examples"));
  const child = cli(["serve", "--models", mine, "--port", String(port), "--grpc-port", String(grpcPort)], {
    ZKINFER_MODELS_DIR: tmp.file("no-examples"), ZKINFER_CHAIN: "off", ZKINFER_DB: tmp.file("jobs.sqlite"), ZKINFER_POOL_THREADS: "1",
  });
  children.push(child);
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  child.stdout!.resume();

  // Listening while my-digits compiles and sets up.
  let health: { status: number } | undefined;
  for (let i = 0; i < 600 && !health; i++) {
    health = await json(`${url}/healthz`).catch(() => undefined);
    if (!health) await new Promise((r) => setTimeout(r, 50));
  }
  expect(health?.status, err).toBe(200);
  const notReady = await json(`${url}/readyz`);
  expect(notReady.status).toBe(503);
  expect(notReady.body.reasons).toContain("model my-digits: building");
  const listed = (await json(`${url}/v1/models`)).body.models;
  expect(listed.find((m: any) => m.name === "my-digits")).toEqual({ name: "my-digits", id, cid, state: "building" });
  expect(listed.find((m: any) => m.name === "broken")).toMatchObject({ state: "failed", reason: expect.stringContaining("not valid JSON") });
  expect(listed.find((m: any) => m.name === "no-onnx")).toMatchObject({ state: "failed", reason: expect.stringContaining("gone.onnx") });

  const g = grpcClient(`127.0.0.1:${grpcPort}`);
  const grpcList = (await g.unary("listModels", {})).models;
  g.close();
  expect(grpcList.find((m: any) => m.name === "my-digits")).toMatchObject({ id, cid, state: "building", stateReason: "" });
  expect(grpcList.find((m: any) => m.name === "broken")).toMatchObject({ state: "failed", stateReason: expect.stringContaining("not valid JSON") });

  const [digit] = testDigits(1);
  for (const key of ["my-digits", cid]) {
    const early = await json(`${url}/v1/models/${key}/infer`, { method: "POST", body: { input: digit.pixels } });
    expect(early.status).toBe(503);
    expect(Number(early.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(early.body.error.message).toContain("my-digits is not ready yet (state building");
  }
  const failed = await json(`${url}/v1/models/no-onnx/infer`, { method: "POST", body: { input: digit.pixels } });
  expect(failed.status).toBe(503);
  expect(failed.body.error.message).toContain("no-onnx is not served (state failed");

  let ready = notReady;
  for (let i = 0; i < 1200 && ready.status !== 200; i++) {
    await new Promise((r) => setTimeout(r, 100));
    ready = await json(`${url}/readyz`);
  }
  expect(ready.status, err).toBe(200);
  const card = (await json(`${url}/v1/models`)).body.models.find((m: any) => m.name === "my-digits");
  expect(card).toMatchObject({ id, cid, state: "ready", constraints: 1507 });
  expect((await json(`${url}/v1/models/${cid}`)).body).toMatchObject({ id, cid, name: "my-digits" });

  for (const key of [cid, id]) {
    const r = await json(`${url}/v1/models/${key}/infer?wait=proof`, { method: "POST", body: { input: digit.pixels } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.modelId).toBe(id);
    expect(r.body.proof.status).toBe("proved");
    const v = await json(`${url}/v1/verify`, { method: "POST", body: { model: cid, proof: r.body.proof.proof, publicSignals: r.body.proof.publicSignals } });
    expect(v.body.valid).toBe(true);
  }
  expect(err).toContain("model broken failed:");
  child.kill("SIGTERM");
  await new Promise((r) => child.once("exit", r));
}, 120_000);
