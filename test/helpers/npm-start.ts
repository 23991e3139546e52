/**
 * `npm start` as a real process (`node --import tsx server/main.ts`: one process, so SIGKILL hits
 * the server itself), for tests that kill and restart it on the same SQLite file.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { REPO_ROOT } from "../../prover/circom.ts";
import { readableLog } from "./log-lines.ts";

export interface Proc {
  child: ChildProcess;
  /** stderr with its JSON log lines turned back into their messages. */
  stderr: () => string;
  rawStderr: () => string;
  exited: Promise<number | null>;
}

const children: ChildProcess[] = [];

/** SIGKILLs every process started here that is still running (for afterAll). */
export function killAll(): void {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

export function start(env: Record<string, string>): Proc {
  const child = spawn(process.execPath, ["--import", "tsx", "server/main.ts"], { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  let err = "";
  child.stderr!.on("data", (d) => (err += d));
  child.stdout!.resume();
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // The gateway writes JSON log lines to a pipe; tests read their messages (test/helpers/log-lines.ts).
  return { child, stderr: () => readableLog(err), rawStderr: () => err, exited };
}

/** Resolves once the banner (ending with the example curl) is out. */
export async function listening(p: Proc, timeoutMs = 240_000): Promise<void> {
  const t0 = Date.now();
  while (!/curl -s .*\n/.test(p.stderr())) {
    if (p.child.exitCode !== null) throw new Error(`server exited ${p.child.exitCode}: ${p.stderr()}`);
    if (Date.now() - t0 > timeoutMs) throw new Error(`server did not start: ${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
