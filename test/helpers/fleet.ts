/** Prover node processes for the fleet tests (test/helpers/fleet-node.ts), started and killed by the tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { REPO_ROOT } from "../../prover/circom.ts";

export interface NodeProc {
  child: ChildProcess;
  log: () => string;
  exited: Promise<number | null>;
  /** Resolves once the node's worker is up. */
  up: Promise<void>;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const nodes: ChildProcess[] = [];

export function startNode(options: Record<string, unknown>): NodeProc {
  const child = spawn(process.execPath, ["--import", "tsx", "test/helpers/fleet-node.ts"], { cwd: REPO_ROOT, env: { ...process.env, FLEET_NODE: JSON.stringify(options) }, stdio: ["ignore", "ignore", "pipe"] });
  nodes.push(child);
  let err = "";
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  const up = new Promise<void>((resolve, reject) => {
    child.stderr!.on("data", (d) => {
      err += d;
      if (/node \S+ up/.test(err)) resolve();
    });
    void exited.then((c) => reject(new Error(`node exited ${c}: ${err}`)));
  });
  up.catch(() => {});
  return {
    child, log: () => err, exited, up,
    async kill(signal = "SIGKILL") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill(signal);
      await exited;
    },
  };
}

export function killNodes(): void {
  for (const c of nodes) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

export async function until<T>(what: string, f: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
