/**
 * Redis faults in fleet mode: queued jobs survive a Redis killed and restarted with its
 * append-only file on; a gateway running through a Redis outage keeps serving outputs and
 * proves once Redis is back; a bad queue URL is refused with a message naming the option.
 */
import { Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadConfig } from "../server/config/index.ts";
import { json, startTestServer, testDigits } from "./helpers/edge-server.ts";
import { killNodes, startNode, until } from "./helpers/fleet.ts";
import { startRedis, type TestRedis } from "./helpers/redis-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-fleet-redis-");
let redis: TestRedis;
const digits = testDigits(5);

beforeAll(async () => {
  redis = await startRedis({ appendonly: true });
});
afterAll(async () => {
  killNodes();
  await redis?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

it("queued jobs survive a Redis restart (append-only file on), then a node proves them and the gateway records them", async () => {
  const dbPath = tmp.file("jobs.sqlite");
  const first = await startTestServer({ queue: redis.url, dbPath });
  const ids: string[] = [];
  for (const d of digits.slice(0, 3)) {
    const r = await json(`${first.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: d.pixels } });
    expect(r.status).toBe(200);
    ids.push(r.body.requestId);
  }
  const queue = new Queue("zkinfer-proofs", { connection: { url: redis.url } as never });
  queue.on("error", () => {});
  await until("the jobs in Redis", async () => (await queue.getJobCounts("waiting")).waiting === 3 || undefined);
  // The gateway goes first, so nothing re-adds a job Redis might have lost.
  await first.edges.close();
  await first.service.close();
  await redis.restart();
  expect((await queue.getJobs(["waiting"])).map((j) => j.id).sort()).toEqual([...ids].sort());
  await queue.close();

  const second = await startTestServer({ queue: redis.url, dbPath });
  try {
    const node = startNode({ queue: redis.url, queueName: "zkinfer-proofs", name: "after-restart", gatewayUrl: second.url, cacheDir: tmp.file("cache") });
    await node.up;
    for (const id of ids) expect((await second.service.waitForProof(id, 30_000)).status).toBe("proved");
    // The restarted gateway added each job again under its request id: a no-op, so each was proved once.
    expect(node.log().match(/^proved /gm)).toHaveLength(3);
    expect(second.service.stats().fleet?.nodes["after-restart"]).toEqual({ proved: 3, rejected: 0, failed: 0 });

    // Redis down mid-run: outputs are still served at once; the proof follows once it is back.
    await redis.kill();
    const r = await json(`${second.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[3].pixels } });
    expect(r.status).toBe(200);
    expect(r.body.output).toHaveLength(10);
    await new Promise((res) => setTimeout(res, 1500));
    expect(second.service.getProof(r.body.requestId).status).not.toBe("proved");
    await redis.restart();
    expect((await second.service.waitForProof(r.body.requestId, 40_000)).status).toBe("proved");
    await node.kill("SIGTERM");
  } finally {
    await second.close();
  }
}, 90_000);

it("a job whose data was changed in Redis (same job id, another input) is proved for that input and rejected; the retry proves the served one", async () => {
  const server = await startTestServer({ queue: redis.url, queueName: "tampered" });
  const queue = new Queue("tampered", { connection: { url: redis.url } as never });
  queue.on("error", () => {});
  try {
    const r = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[0].pixels } });
    const id = r.body.requestId as string;
    const job = await until("the job in Redis", async () => queue.getJob(id));
    // Whoever can write to Redis swaps the input under the request's job id.
    await job.updateData({ ...job.data, x: digits[4].pixels });
    const opts = (name: string) => ({ queue: redis.url, queueName: "tampered", name, gatewayUrl: server.url, cacheDir: tmp.file(`cache-${name}`) });
    const first = startNode(opts("first"));
    await first.up;
    await until("the tampered job's proof rejected", () => server.service.stats().fleet?.nodes.first?.rejected);
    await first.kill();
    // The retry is put back with the gateway's own data; another node proves the served input.
    const second = startNode(opts("second"));
    await second.up;
    const done = await server.service.waitForProof(id, 30_000);
    expect(done.status).toBe("proved");
    expect(done.output).toEqual(r.body.output);
    await second.kill();
  } finally {
    await queue.close();
    await server.close();
  }
}, 60_000);

it("a gateway whose Redis is unreachable at start serves outputs, reports Redis down, keeps the job, and closes without waiting for Redis", async () => {
  const dead = await startRedis();
  const url = dead.url;
  await dead.kill();
  const server = await startTestServer({ queue: url, queueName: "unreachable" });
  try {
    const r = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[0].pixels } });
    expect(r.status).toBe(200);
    await new Promise((res) => setTimeout(res, 2500));
    expect(server.service.stats().fleet?.redisUp).toBe(false);
    expect(await (await fetch(`${server.url}/metrics`)).text()).toMatch(/^zkinfer_fleet_redis_up 0$/m);
    expect(["queued", "proving"]).toContain(server.service.getProof(r.body.requestId).status);
  } finally {
    await server.close();
    await dead.stop();
  }
}, 30_000);

it("a queue URL that is not redis://host:port is refused naming the option, without the password", () => {
  const load = (queue: string) => () => loadConfig({ env: { ZKINFER_QUEUE: queue } });
  expect(load("http://127.0.0.1:6379")).toThrow(/queue must be a redis:\/\/host:port URL \(scheme "http:"/);
  expect(load("redis://127.0.0.1:99999")).toThrow(/queue must be a redis:\/\/host:port URL/);
  expect(load("not a url")).toThrow(/queue must be a redis:\/\/host:port URL \(not a URL\)/);
  let message = "";
  try {
    load("redis://user:s3cret@127.0.0.1:6379/db")();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message).toMatch(/queue must be/);
  expect(message).not.toContain("s3cret");
  expect(loadConfig({ env: { ZKINFER_QUEUE: "redis://127.0.0.1:6379" } }).queue).toBe("redis://127.0.0.1:6379");
});
