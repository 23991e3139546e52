/**
 * The gateway in fleet mode with real parts: redis-server, the service and its HTTP edge in
 * this process, prover nodes as child processes fetching artifacts over HTTP. A proof made by a
 * node is checked before it is recorded; a lying node is rejected, its job proved by another,
 * and the lie shows in /metrics.
 */
import { afterAll, beforeAll, expect, it } from "vitest";
import { verifyGroth16 } from "../prover/prove.ts";
import { grpcClient } from "../server/grpc/client.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { json, parseMetrics, readSse, startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";
import { killNodes, startNode, until, type NodeProc } from "./helpers/fleet.ts";
import { startRedis, type TestRedis } from "./helpers/redis-server.ts";

let redis: TestRedis;
let server: TestServer;
const digits = testDigits(4);
const nodeOpts = (name: string, extra: Record<string, unknown> = {}) => ({
  queue: redis.url, queueName: "zkinfer-proofs", name, gatewayUrl: server.url, cacheDir: server.tmp.file(`cache-${name}`), lockMs: 2000, stalledMs: 500, ...extra,
});
const metric = async (name: string, labels: Record<string, string> = {}) => {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return parseMetrics(text).filter((m) => m.name === name && Object.entries(labels).every(([k, v]) => m.labels[k] === v));
};

beforeAll(async () => {
  redis = await startRedis();
  server = await startTestServer({ queue: redis.url });
});
afterAll(async () => {
  killNodes();
  await server?.close();
  await redis?.stop();
  await terminateSnarkjsCurves();
});

it("a node proves a served job; the gateway records it once checked, and SSE reports it as in embedded mode", async () => {
  const good: NodeProc = startNode(nodeOpts("good-1"));
  await good.up;
  const r = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[0].pixels } });
  expect(r.status).toBe(200);
  const events = await readSse(`${server.url}/v1/proofs/${r.body.requestId}/events`);
  // queued while the job waits in Redis, proving once the node takes it, then proved: each once.
  expect(events.map((e) => e.data.status).filter((x, i, a) => x !== a[i - 1])).toEqual(["queued", "proving", "proved"].slice(["queued", "proving", "proved"].indexOf(events[0].data.status)));
  expect(events.at(-1)?.data.status).toBe("proved");
  const rec = (await json(`${server.url}/v1/proofs/${r.body.requestId}`)).body;
  expect(rec.status).toBe("proved");
  expect(await verifyGroth16(server.service.getVkey("digits-mlp"), rec.publicSignals, rec.proof)).toBe(true);
  expect((await metric("zkinfer_fleet_node_proofs_total", { node: "good-1", outcome: "proved" }))[0]?.value).toBe(1);
  // gRPC's WatchProof streams the fleet's job as the pool's.
  const c = grpcClient(server.edges.grpcAddress);
  try {
    const g = await c.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_INT8", values: digits[2].pixels });
    const seen: string[] = [];
    for await (const rec of c.watch(g.requestId)) seen.push(rec.status);
    expect(seen.at(-1)).toBe("PROOF_STATUS_PROVED");
  } finally {
    c.close();
  }
  await good.kill("SIGTERM");
}, 60_000);

it("a node whose proofs lie is rejected, the job is proved by another node, and the liar is counted in /metrics", async () => {
  const liar = startNode(nodeOpts("liar", { corrupt: "proof" }));
  await liar.up;
  const r = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[1].pixels } });
  expect(r.status).toBe(200);
  await until("the liar's proof rejected", async () => (await metric("zkinfer_fleet_node_proofs_total", { node: "liar", outcome: "rejected" }))[0]?.value)
    .catch((e) => { throw new Error(`${e.message}\nliar: ${liar.log()}\nrecord: ${JSON.stringify(server.service.getProof(r.body.requestId))}\n${JSON.stringify(server.service.stats().fleet)}`); });
  expect((await json(`${server.url}/v1/proofs/${r.body.requestId}`)).body.status).not.toBe("proved");
  const honest = startNode(nodeOpts("honest"));
  await honest.up;
  const done = await server.service.waitForProof(r.body.requestId, 30_000);
  expect(done.status).toBe("proved");
  expect(done.output).toEqual(r.body.output);
  expect(await verifyGroth16(server.service.getVkey("digits-mlp"), done.publicSignals!, done.proof as never)).toBe(true);
  expect((await metric("zkinfer_fleet_node_proofs_total", { node: "honest", outcome: "proved" }))[0]?.value).toBe(1);
  expect((await metric("zkinfer_fleet_node_proofs_total", { node: "liar", outcome: "proved" }))[0]?.value ?? 0).toBe(0);
  await Promise.all([liar.kill(), honest.kill()]);
}, 60_000);

it("a node that replays a valid proof of another request is rejected: the proof must carry this job's input and output", async () => {
  const replayer = startNode(nodeOpts("replayer", { corrupt: "replay" }));
  await replayer.up;
  const a = await json(`${server.url}/v1/models/digits-mlp/infer?wait=proof&timeout=30000`, { method: "POST", body: { input: digits[2].pixels } });
  expect(a.body.proof.status).toBe("proved"); // its first answer is honest
  const b = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[3].pixels } });
  await until("the replay rejected", async () => (await metric("zkinfer_fleet_node_proofs_total", { node: "replayer", outcome: "rejected" }))[0]?.value);
  // Still waiting for an honest node (the retry goes back to the fleet), never proved by the replay.
  expect(["queued", "proving"]).toContain(server.service.getProof(b.body.requestId).status);
  expect((await metric("zkinfer_fleet_node_proofs_total", { node: "replayer", outcome: "proved" }))[0]?.value).toBe(1);
  await replayer.kill();
}, 60_000);

it("in fleet mode too: a full queue answers 503 with Retry-After, and artifacts need an API key when keys are on", async () => {
  const strict = await startTestServer({ queue: redis.url, queueName: "strict", queueLimit: 2, apiKeys: ["k1"] });
  try {
    const auth = { authorization: "Bearer k1" };
    for (const d of digits.slice(0, 2)) expect((await json(`${strict.url}/v1/models/digits-mlp/infer`, { method: "POST", headers: auth, body: { input: d.pixels } })).status).toBe(200);
    const full = await json(`${strict.url}/v1/models/digits-mlp/infer`, { method: "POST", headers: auth, body: { input: digits[2].pixels } });
    expect(full.status).toBe(503);
    expect(Number(full.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // No node on this queue: the jobs wait in Redis, and their rows say `queued`, not `proving`.
    await new Promise((r) => setTimeout(r, 300));
    expect(strict.service.stats()).toMatchObject({ queued: 2, proving: 0 });
    expect((await fetch(`${strict.url}/v1/artifacts/${"0".repeat(64)}`)).status).toBe(401);
    expect((await fetch(`${strict.url}/v1/artifacts/${"0".repeat(64)}`, { headers: auth })).status).toBe(404);
  } finally {
    await strict.close();
  }
});

it("serves artifacts only by the hash of a file handed to the fleet", async () => {
  const unknown = "0".repeat(64);
  expect((await fetch(`${server.url}/v1/artifacts/${unknown}`)).status).toBe(404);
  expect((await fetch(`${server.url}/v1/artifacts/..%2F..%2Fetc%2Fpasswd`)).status).toBe(400);
  const text = await (await fetch(`${server.url}/metrics`)).text();
  expect(text).toMatch(/zkinfer_fleet_jobs\{state="waiting"\} \d+/);
  expect(text).toMatch(/zkinfer_fleet_proof_seconds_count \d+/);
});
