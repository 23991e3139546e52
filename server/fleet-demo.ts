/**
 * `npm run fleet`: a local try-out of fleet mode on loopback: redis-server (from PATH, its
 * append-only file in a temporary folder), the gateway (`npm start` with ZKINFER_QUEUE) and two
 * prover nodes (`zkinfer prover`), all stopped on Ctrl-C. Other ZKINFER_* variables pass through.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { PACKAGE_ROOT } from "../prover/paths.ts";

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

const children: ChildProcess[] = [];
const run = (name: string, cmd: string, args: string[], env: Record<string, string> = {}) => {
  const c = spawn(cmd, args, { cwd: PACKAGE_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit"] });
  c.on("exit", (code, signal) => {
    if (!stopping) process.stderr.write(`fleet: ${name} exited (${signal ?? code}); stopping the rest\n`);
    void stop();
  });
  children.push(c);
  return c;
};

let stopping = false;
const dir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-fleet-"));
async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  for (const c of [...children].reverse()) if (c.exitCode === null && c.signalCode === null) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once("exit", r)) : undefined)));
  rmSync(dir, { recursive: true, force: true });
  process.exit(0);
}
process.on("SIGINT", () => void stop());
process.on("SIGTERM", () => void stop());

const redisPort = await freePort();
const queue = `redis://127.0.0.1:${redisPort}`;
run("redis-server", "redis-server", ["--port", String(redisPort), "--bind", "127.0.0.1", "--dir", dir, "--appendonly", "yes", "--save", ""]);
const httpPort = process.env.ZKINFER_HTTP_PORT ?? "8080";
const gatewayEnv = { ZKINFER_QUEUE: queue, ZKINFER_HTTP_PORT: httpPort, ZKINFER_CHAIN: process.env.ZKINFER_CHAIN ?? "off" };
run("gateway", process.execPath, ["--import", "tsx", "server/main.ts"], gatewayEnv);
for (const n of ["node-1", "node-2"]) {
  run(n, process.execPath, ["bin/zkinfer.js", "prover", "--queue", queue, "--gateway", `http://127.0.0.1:${httpPort}`, "--threads", "1", "--name", n, "--cache", path.join(dir, `cache-${n}`)], { ZKINFER_API_KEY: process.env.ZKINFER_API_KEY ?? "" });
}
process.stderr.write(`fleet: Redis ${queue}, gateway http://127.0.0.1:${httpPort}, nodes node-1 and node-2; zkinfer fleet status --queue ${queue}; Ctrl-C stops all\n`);
