/**
 * `npm start` as a real process, killed with SIGKILL while proofs are queued and in flight,
 * then restarted on the same SQLite file: every job reaches `proved` exactly once, every
 * result is still retrievable and verifies. Also: a taken port fails with a message naming
 * the option, and SIGTERM closes gracefully.
 */
import Database from "better-sqlite3";
import { afterAll, expect, it } from "vitest";
import { json, parseMetrics, readSse, testDigits } from "./helpers/edge-server.ts";
import { freePort, killAll, listening, start } from "./helpers/npm-start.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-restart-");
afterAll(() => {
  killAll();
  tmp.remove();
});

it("SIGKILL with proofs queued and in flight, restart on the same database: every job proved exactly once, all retrievable and valid", async () => {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const url = `http://127.0.0.1:${httpPort}`;
  const dbPath = tmp.file("jobs.sqlite");
  const env = { ZKINFER_DB: dbPath, ZKINFER_HOST: "127.0.0.1", ZKINFER_HTTP_PORT: String(httpPort), ZKINFER_GRPC_PORT: String(grpcPort), ZKINFER_MODELS: "digits-mlp", ZKINFER_POOL_THREADS: "1" };

  const first = start(env);
  await listening(first);
  expect(first.stderr()).toContain(`curl -s '${url}/v1/models/digits-mlp/infer?wait=proof'`);
  // On a pipe the gateway's lines are JSON log lines, one format with the CLI's.
  for (const l of first.rawStderr().split("\n").filter(Boolean)) expect(JSON.parse(l), l).toMatchObject({ level: "info", component: "gateway" });

  const digits = testDigits(6);
  const served = new Map<string, number[]>();
  for (const d of digits) {
    const r = await json(`${url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: d.pixels } });
    expect(r.status).toBe(200);
    served.set(r.body.requestId, r.body.output);
  }
  const ids = [...served.keys()];
  // Kill once the first proof is done and the next is in flight.
  for (let i = 0; i < 2000; i++) {
    const st = await Promise.all(ids.map(async (id) => (await json(`${url}/v1/proofs/${id}`)).body.status));
    if (st[0] === "proved" && st.includes("proving")) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  first.child.kill("SIGKILL");
  expect(await first.exited).toBe(null);
  expect(first.child.signalCode).toBe("SIGKILL");

  // The store as the kill left it.
  const db = new Database(dbPath, { readonly: true });
  const atKill = new Map((db.prepare("SELECT request_id, status, proof, updated_at FROM jobs").all() as { request_id: string; status: string; proof: string | null; updated_at: string }[]).map((r) => [r.request_id, r]));
  db.close();
  const statuses = [...atKill.values()].map((r) => r.status);
  console.log(`at SIGKILL: ${statuses.join(", ")}`);
  expect(atKill.size).toBe(ids.length);
  expect(statuses).toContain("proved");
  expect(statuses).toContain("proving");
  expect(statuses).toContain("queued");
  const provedBefore = [...atKill.values()].filter((r) => r.status === "proved");

  const t0 = Date.now();
  const second = start(env);
  await listening(second);
  const model = (await json(`${url}/v1/models/digits-mlp`)).body;
  for (const id of ids) {
    const events = await readSse(`${url}/v1/proofs/${id}/events`);
    expect(events.filter((e) => e.data.status === "proved")).toHaveLength(1);
    const rec = (await json(`${url}/v1/proofs/${id}`)).body;
    expect(rec.status).toBe("proved");
    expect(rec.output).toEqual(served.get(id));
    const v = await json(`${url}/v1/verify`, { method: "POST", body: { model: model.id, proof: rec.proof, publicSignals: rec.publicSignals } });
    expect(v.body).toEqual({ valid: true });
  }
  console.log(`restart to all ${ids.length} proved: ${Date.now() - t0} ms`);

  // Exactly once: the new process proved only what was not proved at the kill, and left the
  // proofs made before it untouched.
  const metrics = parseMetrics(await (await fetch(`${url}/metrics`)).text());
  expect(metrics.find((m) => m.name === "zkinfer_proving_seconds_count")?.value).toBe(ids.length - provedBefore.length);
  const db2 = new Database(dbPath, { readonly: true });
  const rows = db2.prepare("SELECT request_id, status, proof, updated_at FROM jobs").all() as { request_id: string; status: string; proof: string; updated_at: string }[];
  db2.close();
  expect(rows).toHaveLength(ids.length);
  expect(rows.every((r) => r.status === "proved")).toBe(true);
  for (const b of provedBefore) expect(rows.find((r) => r.request_id === b.request_id)).toMatchObject({ proof: b.proof, updated_at: b.updated_at });

  // A taken port: a clear message naming the option, before any model is loaded.
  const third = start({ ...env, ZKINFER_GRPC_PORT: String(await freePort()) });
  expect(await third.exited).toBe(1);
  expect(third.stderr()).toMatch(/127\.0\.0\.1:\d+ is already in use; choose another port with the http\.port \(ZKINFER_HTTP_PORT\) option/);

  // SIGTERM: graceful close, exit 0.
  second.child.kill("SIGTERM");
  expect(await second.exited).toBe(0);
  expect(second.stderr()).toMatch(/^closed$/m);
});
