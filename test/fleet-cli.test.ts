/**
 * `zkinfer fleet status` and `zkinfer prover` as a user runs them: the nodes and the queue, and
 * refusals naming the flag. The prover nodes are child processes (test/helpers/fleet.ts), as is
 * one refusal (bin/zkinfer.js); the one-shot commands run in this process (cli/run.ts main).
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { json, startTestServer, testDigits } from "./helpers/edge-server.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";
import { killNodes, startNode, until } from "./helpers/fleet.ts";
import { startRedis, type TestRedis } from "./helpers/redis-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-fleet-cli-");
let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  killNodes();
  await redis?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

it("fleet status lists the connected nodes by name and the queue's jobs per state", async () => {
  const node = startNode({ queue: redis.url, queueName: "zkinfer-proofs", name: "status-node", sharedDir: tmp.path, cacheDir: tmp.file("cache") });
  await node.up;
  const r = await zkinferInProcess("fleet", "status", "--queue", redis.url);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^queue: waiting 0, active 0, delayed 0, prioritized 0, completed 0, failed 0(, paused 0)?$/m);
  expect(r.stdout).toMatch(/nodes connected: 1/);
  expect(r.stdout).toMatch(/status-node +up \d+ s from 127\.0\.0\.1 +proved 0 +rejected 0 +failed 0/);
  const j = await zkinferInProcess("fleet", "status", "--queue", redis.url, "--json");
  expect(JSON.parse(j.stdout).nodes.map((n: { name: string }) => n.name)).toEqual(["status-node"]);
  await node.kill("SIGTERM");
  expect((await zkinferInProcess("fleet", "status", "--queue", redis.url)).stdout).toMatch(/nodes connected: 0/);
}, 40_000);

it("fleet export writes a model's artifacts named by sha256; a node with --artifacts on that folder proves without the gateway's route", async () => {
  const dir = tmp.file("shared");
  const r = await zkinferInProcess("fleet", "export", "digits-mlp", "--out", dir);
  expect(r.code, r.stderr).toBe(0);
  const lines = r.stdout.trim().split("\n");
  expect(lines.map((l) => l.split(" ")[0])).toEqual(["wasm", "zkey", "onnx"]);
  for (const l of lines) {
    const sha = l.split(" ")[1];
    expect(createHash("sha256").update(readFileSync(path.join(dir, sha))).digest("hex")).toBe(sha);
  }
  const server = await startTestServer({ queue: redis.url, queueName: "shared" });
  try {
    // No gateway URL: every artifact comes from the shared folder, checked by hash.
    const node = startNode({ queue: redis.url, queueName: "shared", name: "shared-node", sharedDir: dir, cacheDir: tmp.file("cache-shared") });
    await node.up;
    const res = await json(`${server.url}/v1/models/digits-mlp/infer?wait=proof&timeout=30000`, { method: "POST", body: { input: testDigits(1)[0].pixels } });
    expect(res.body.proof.status).toBe("proved");
    await node.kill("SIGTERM");

    // A node whose shared folder holds other bytes under the proving key's hash refuses them and
    // fails the job; the retry is left to another node, and the failure shows per node.
    const bad = tmp.file("shared-bad");
    const zkey = lines[1].split(" ")[1];
    await zkinferInProcess("fleet", "export", "digits-mlp", "--out", bad);
    writeFileSync(path.join(bad, zkey), "not the proving key");
    const tampered = startNode({ queue: redis.url, queueName: "shared", name: "tampered-node", sharedDir: bad, cacheDir: tmp.file("cache-bad") });
    await tampered.up;
    const job = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: testDigits(2)[1].pixels } });
    await until("the tampered node's failure", () => server.service.stats().fleet?.nodes["tampered-node"]?.failed);
    const refusal = new RegExp(`artifact ${zkey}: the bytes from shared folder .* hash to [0-9a-f]{64}; refused`);
    await until("the node's refusal in its log", () => refusal.test(tampered.log()));
    const honest = startNode({ queue: redis.url, queueName: "shared", name: "honest-node", sharedDir: dir, cacheDir: tmp.file("cache-honest") });
    await honest.up;
    expect((await server.service.waitForProof(job.body.requestId, 30_000)).status).toBe("proved");
    expect(server.service.stats().fleet?.nodes["honest-node"]?.proved).toBe(1);
    await Promise.all([tampered.kill(), honest.kill()]);
  } finally {
    await server.close();
  }
}, 60_000);

it("refuses a queue that is not a redis URL, and a node with nowhere to fetch artifacts from, naming the flag (exit 2)", async () => {
  const bad = await zkinferInProcess("fleet", "status", "--queue", "http://127.0.0.1:1");
  expect(bad.code).toBe(2);
  expect(bad.stderr).toMatch(/--queue must be a redis:\/\/host:port URL \(scheme "http:"/);
  const none = await zkinfer("prover", "--queue", redis.url); // the file's one child process
  expect(none.code).toBe(2);
  expect(none.stderr).toMatch(/--gateway or --artifacts is required/);
  const threads = await zkinferInProcess("prover", "--queue", redis.url, "--gateway", "http://127.0.0.1:1", "--threads", "0");
  expect(threads.code).toBe(2);
  expect(threads.stderr).toMatch(/--threads must be a positive integer/);
});
