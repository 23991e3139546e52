/**
 * Faults of the fleet with real processes: redis-server, the gateway (`npm start` as a process
 * with ZKINFER_QUEUE), prover nodes as processes. A node killed with SIGKILL mid-job: its job
 * is recovered by BullMQ's stalled check and proved by another node, once. The gateway killed
 * with jobs queued: a restart on the same SQLite file collects every proof (made while it was
 * down), nothing lost, nothing twice.
 */
import Database from "better-sqlite3";
import { Queue } from "bullmq";
import { afterAll, beforeAll, expect, it } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { json, parseMetrics, testDigits } from "./helpers/edge-server.ts";
import { killNodes, startNode, until } from "./helpers/fleet.ts";
import { freePort, killAll, listening, start } from "./helpers/npm-start.ts";
import { startRedis, type TestRedis } from "./helpers/redis-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-fleet-faults-");
let redis: TestRedis;
let queue: Queue;
const digits = testDigits(6);
const QUEUE_NAME = "zkinfer-proofs";

beforeAll(async () => {
  redis = await startRedis();
  queue = new Queue(QUEUE_NAME, { connection: { url: redis.url } as never });
});
afterAll(async () => {
  killNodes();
  killAll();
  await queue?.close();
  await redis?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

async function gateway(dbPath: string, httpPort: number) {
  const grpcPort = await freePort();
  const p = start({
    ZKINFER_DB: dbPath, ZKINFER_HOST: "127.0.0.1", ZKINFER_HTTP_PORT: String(httpPort), ZKINFER_GRPC_PORT: String(grpcPort),
    ZKINFER_MODELS: "digits-mlp", ZKINFER_CHAIN: "off", ZKINFER_QUEUE: redis.url, ZKINFER_POOL_THREADS: "1",
  });
  await listening(p);
  return p;
}

const rows = (dbPath: string) => {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db.prepare("SELECT request_id, status, attempts FROM jobs ORDER BY seq").all() as { request_id: string; status: string; attempts: number }[];
  } finally {
    db.close();
  }
};

it("a node killed with SIGKILL mid-job: another node finishes it, and exactly one proof is recorded", async () => {
  const dbPath = tmp.file("kill-node.sqlite");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gw = await gateway(dbPath, port);
  const opts = (name: string, extra = {}) => ({ queue: redis.url, queueName: QUEUE_NAME, name, gatewayUrl: url, cacheDir: tmp.file(`cache-${name}`), lockMs: 1500, stalledMs: 500, ...extra });
  // The doomed node holds its finished proof for a minute: it is mid-job, lock held, when killed.
  const doomed = startNode(opts("doomed", { holdMs: 60_000 }));
  await doomed.up;
  const r = await json(`${url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[0].pixels } });
  expect(r.status).toBe(200);
  const id = r.body.requestId as string;
  await until("the doomed node mid-job", () => /proved/.test(doomed.log()) && true);
  expect(await (await queue.getJob(id))?.getState()).toBe("active");
  await doomed.kill("SIGKILL");
  const rescuer = startNode(opts("rescuer"));
  await rescuer.up;
  const done = await until("the job proved", async () => {
    const rec = (await json(`${url}/v1/proofs/${id}`)).body;
    return rec.status === "proved" && rec;
  }, 40_000);
  expect(done.output).toEqual(r.body.output);
  const m = parseMetrics(await (await fetch(`${url}/metrics`)).text()).filter((x) => x.name === "zkinfer_fleet_node_proofs_total" && x.labels.outcome === "proved");
  expect(m.map((x) => [x.labels.node, x.value])).toEqual([["rescuer", 1]]);
  expect(rows(dbPath)).toEqual([{ request_id: id, status: "proved", attempts: 1 }]);
  await rescuer.kill("SIGTERM");
  gw.child.kill("SIGTERM");
  await gw.exited;
}, 60_000);

it("the gateway killed with jobs queued: the node proves them meanwhile, the restarted gateway records each once", async () => {
  const dbPath = tmp.file("kill-gateway.sqlite");
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const opts = { queue: redis.url, queueName: QUEUE_NAME, name: "steady", gatewayUrl: url, cacheDir: tmp.file("cache-steady") };
  const first = await gateway(dbPath, port);
  const ids: string[] = [];
  for (const d of digits.slice(1, 4)) {
    const r = await json(`${url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: d.pixels } });
    expect(r.status).toBe(200);
    ids.push(r.body.requestId);
  }
  await until("the jobs in Redis", async () => (await queue.getJobCounts("waiting")).waiting === 3 || undefined);
  first.child.kill("SIGKILL");
  await first.exited;
  // No gateway to fetch artifacts from: the node proves with what its cache holds, so warm it first.
  const warm = await gateway(tmp.file("warm.sqlite"), port);
  const node = startNode(opts);
  await node.up;
  const w = await json(`${url}/v1/models/digits-mlp/infer?wait=proof&timeout=30000`, { method: "POST", body: { input: digits[4].pixels } });
  expect(w.body.proof.status).toBe("proved");
  await until("the queued jobs proved while their gateway is down", async () => (await queue.getJobCounts("completed")).completed >= 3 || undefined, 40_000);
  warm.child.kill("SIGKILL");
  await warm.exited;
  const second = await gateway(dbPath, port);
  for (const id of ids) {
    const rec = await until(`job ${id}`, async () => {
      const b = (await json(`${url}/v1/proofs/${id}`)).body;
      return b.status === "proved" && b;
    });
    expect(rec.publicSignals.length).toBeGreaterThan(0);
  }
  expect(rows(dbPath).map((x) => x.status)).toEqual(["proved", "proved", "proved"]);
  // Collected jobs are removed from Redis: nothing left over to prove twice.
  for (const id of ids) expect(await queue.getJob(id)).toBeUndefined();
  await node.kill("SIGTERM");
  second.child.kill("SIGTERM");
  await second.exited;
}, 90_000);
