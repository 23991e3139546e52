/**
 * A real redis-server (Debian's, on PATH) for the fleet tests: a free loopback port, its own
 * temporary directory, append-only file on request; stopped, killed or restarted on the same
 * directory (so an append-only file is read back).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Redis } from "ioredis";
import { freePort } from "./npm-start.ts";
import { makeTempDir, type TempDir } from "./temp-dir.ts";

export interface TestRedis {
  url: string;
  port: number;
  dir: TempDir;
  /** SIGKILL (no save on the way out), then start again on the same port and directory. */
  restart(): Promise<void>;
  kill(): Promise<void>;
  /** Kills it and removes its directory. */
  stop(): Promise<void>;
}

async function ping(url: string): Promise<boolean> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on("error", () => {});
  try {
    await r.connect();
    return (await r.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export async function startRedis(o: { appendonly?: boolean } = {}): Promise<TestRedis> {
  const port = await freePort();
  const dir = makeTempDir("zkinfer-redis-");
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir.path, "--save", "", "--appendonly", o.appendonly ? "yes" : "no", "--appendfsync", "always"];
    child = spawn("redis-server", args, { stdio: "ignore" });
    for (let i = 0; i < 200; i++) {
      if (await ping(url)) return;
      if (child.exitCode !== null) throw new Error(`redis-server exited ${child.exitCode}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("redis-server did not answer");
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const gone = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await gone;
  };
  await launch();
  return {
    url, port, dir,
    async restart() {
      await kill();
      await launch();
    },
    kill,
    async stop() {
      await kill();
      dir.remove();
    },
  };
}
