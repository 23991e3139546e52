/**
 * Fleet throughput: proofs per minute of a model (digits-mlp by default) with 1 and 2 prover node processes
 * (`zkinfer prover`, one thread each), through the real HTTP gateway (`npm start` as a process in
 * fleet mode) on loopback, and the served-output latency (POST infer, answered before the proof)
 * p50/p99 while those proofs run, against the same latency with no node proving.
 * The load generator is open-loop: RATE requests per second for SECONDS, each one's latency
 * measured from its own send time, so a slow answer cannot slow the offered load.
 * Run: npx tsx bench/fleet.ts [model]  → bench/results/fleet-<model>.{json,md}   (redis-server on PATH)
 *   e.g. FLEET_BENCH_RATE=2 npx tsx bench/fleet.ts fmnist-dense-784-56-10
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "../prover/circom.ts";
import { describeMachine } from "./lib/machine.ts";
import { startRedis } from "../test/helpers/redis-server.ts";
import { freePort, listening, start } from "../test/helpers/npm-start.ts";
import { makeTempDir } from "../test/helpers/temp-dir.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { quantizeInput } from "../prover/quantize/index.ts";
import { datasetOf, testSamples } from "../models/lib/datasets.ts";

const RATE = Number(process.env.FLEET_BENCH_RATE ?? 6);
const SECONDS = Number(process.env.FLEET_BENCH_SECONDS ?? 20);
const MODEL = process.argv[2] ?? "digits-mlp";
const manifest = openModelDir(MODEL).manifest;
/** The model's own test inputs, quantized as the gateway would (int8). */
const inputs = testSamples(datasetOf(manifest), 200).map((s) => Array.from(quantizeInput(s.x, manifest.input.shift)));

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function proved(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^zkinfer_proofs\{status="proved"\} (\d+)/m.exec(text)?.[1] ?? 0);
}

/** Open-loop load: RATE infers per second for SECONDS; returns each one's latency (ms). */
async function load(url: string, seconds = SECONDS): Promise<{ latencies: number[]; errors: number }> {
  const latencies: number[] = [];
  let errors = 0;
  const sends: Promise<void>[] = [];
  const t0 = performance.now();
  for (let i = 0; i < RATE * seconds; i++) {
    const due = t0 + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 0) await sleep(wait);
    const x = inputs[i % inputs.length];
    sends.push((async () => {
      const s = performance.now();
      const res = await fetch(`${url}/v1/models/${MODEL}/infer`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ input: x }) });
      await res.text();
      if (res.status === 200) latencies.push(performance.now() - s);
      else errors++;
    })());
  }
  await Promise.all(sends);
  return { latencies, errors };
}

/**
 * A prover node. Here it shares the gateway's machine, so it runs at a lower CPU priority
 * (`nice -n 10`, as an operator would run provers beside a gateway): the served answers come
 * first, the proofs take the cycles left. On their own machines nodes need no nice.
 */
function node(queue: string, gateway: string, name: string, cache: string): ChildProcess {
  const args = [process.execPath, path.join(REPO_ROOT, "bin", "zkinfer.js"), "prover", "--queue", queue, "--gateway", gateway, "--threads", "1", "--name", name, "--cache", cache];
  return spawn("nice", ["-n", String(NICE), ...args], { cwd: REPO_ROOT, stdio: "ignore" });
}
const NICE = Number(process.env.FLEET_BENCH_NICE ?? 10);

async function main() {
  const tmp = makeTempDir("zkinfer-bench-fleet-");
  const redis = await startRedis();
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const gw = start({
    ZKINFER_DB: tmp.file("jobs.sqlite"), ZKINFER_HOST: "127.0.0.1", ZKINFER_HTTP_PORT: String(port), ZKINFER_GRPC_PORT: String(await freePort()),
    ZKINFER_MODELS: MODEL, ZKINFER_CHAIN: "off", ZKINFER_QUEUE: redis.url, ZKINFER_QUEUE_LIMIT: "100000", ZKINFER_RATE_LIMIT: "0",
  });
  const nodes: ChildProcess[] = [];
  const machine = describeMachine();
  const rows: Record<string, unknown>[] = [];
  try {
    await listening(gw);
    // Served latency with nothing proving (the jobs wait in Redis), then the backlog drains before the runs.
    // Warm-up (onnxruntime's first session run, the JIT), not measured.
    await load(url, 2);
    const idle = await load(url, Math.ceil(SECONDS / 2));
    rows.push({ nodes: 0, requests: idle.latencies.length, errors: idle.errors, p50Ms: pct(idle.latencies, 50), p99Ms: pct(idle.latencies, 99) });
    for (const n of [1, 2]) {
      while (nodes.length < n) nodes.push(node(redis.url, url, `bench-${nodes.length + 1}`, tmp.file(`cache-${nodes.length + 1}`)));
      await sleep(8_000); // a new node's start (tsx, its pool, the curve) is not part of the run
      // Let the backlog (idle phase, previous run) drain, so this run times its own jobs.
      for (;;) {
        const text = await (await fetch(`${url}/metrics`)).text();
        const active = Number(/^zkinfer_proofs\{status="queued"\} (\d+)/m.exec(text)?.[1] ?? 0) + Number(/^zkinfer_proofs\{status="proving"\} (\d+)/m.exec(text)?.[1] ?? 0);
        if (active === 0) break;
        await sleep(250);
      }
      const start0 = await proved(url);
      const t0 = performance.now();
      const run = await load(url);
      const target = start0 + run.latencies.length;
      while ((await proved(url)) < target) await sleep(100);
      const seconds = (performance.now() - t0) / 1000;
      const proofs = (await proved(url)) - start0;
      rows.push({ nodes: n, requests: run.latencies.length, errors: run.errors, p50Ms: pct(run.latencies, 50), p99Ms: pct(run.latencies, 99), proofs, seconds: Number(seconds.toFixed(1)), proofsPerMinute: Number(((proofs / seconds) * 60).toFixed(1)) });
      console.log(JSON.stringify(rows.at(-1)));
    }
  } finally {
    for (const c of nodes) c.kill("SIGTERM");
    gw.child.kill("SIGTERM");
    await gw.exited;
    await redis.stop();
    tmp.remove();
  }
  const out = path.join(REPO_ROOT, "bench", "results");
  mkdirSync(out, { recursive: true });
  const model = `${MODEL} (${manifest.circuit.constraints.toLocaleString("en-US")} constraints)`;
  const result = { machine, model, load: { ratePerSecond: RATE, seconds: SECONDS }, rows };
  writeFileSync(path.join(out, `fleet-${MODEL}.json`), `${JSON.stringify(result, null, 2)}\n`);
  const md = [
    `# Fleet benchmark: ${model} through the HTTP gateway`,
    "",
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; ${machine.date}; 1-min load average at start ${machine.loadAverage}.`,
    `Command: \`${RATE === 6 ? "" : `FLEET_BENCH_RATE=${RATE} `}npx tsx bench/fleet.ts ${MODEL}\`. One redis-server, the gateway (\`npm start\` in fleet mode, one process: onnxruntime, SQLite, the check of every proof) and`,
    `the prover nodes (\`nice -n ${NICE} zkinfer prover --threads 1\`) all on this machine, on loopback. Load: ${RATE} infer requests per second for ${SECONDS} s, open loop;`,
    "proofs per minute = the run's proofs / (first request to last proof recorded). Latency: POST infer, which answers with the output before the proof.",
    "",
    "| prover nodes | requests | errors | served p50 (ms) | served p99 (ms) | proofs | seconds | proofs per minute |",
    "|---|---|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.nodes === 0 ? "0 (nothing proving)" : r.nodes} | ${r.requests} | ${r.errors} | ${Number(r.p50Ms).toFixed(1)} | ${Number(r.p99Ms).toFixed(1)} | ${r.proofs ?? "-"} | ${r.seconds ?? "-"} | ${r.proofsPerMinute ?? "-"} |`),
    "",
  ].join("\n");
  writeFileSync(path.join(out, `fleet-${MODEL}.md`), md);
  console.log(md);
}

await main();
process.exit(0);
