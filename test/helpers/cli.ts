/**
 * Runs the zkinfer CLI as a user would (node bin/zkinfer.js in the repo root) and returns its
 * exit code and output instead of throwing, so tests can assert on refusals.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { REPO_ROOT } from "../../prover/circom.ts";
import { readableLog } from "./log-lines.ts";

export interface CliResult {
  code: number;
  stdout: string;
  /** The CLI's stderr with its JSON log lines turned back into their messages (test/helpers/log-lines.ts). */
  stderr: string;
  /** stderr exactly as written. */
  rawStderr: string;
}

/** @example const r = await zkinfer("verify", "digits-mlp", "--proof", file); expect(r.code).toBe(0); */
export async function zkinfer(...args: string[]): Promise<CliResult> {
  return zkinferIn(REPO_ROOT, ...args);
}

/** As zkinfer, in the working directory `cwd` (relative paths in `args` are relative to it). */
export async function zkinferIn(cwd: string, ...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [path.join(REPO_ROOT, "bin", "zkinfer.js"), ...args], { cwd, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr: readableLog(stderr), rawStderr: stderr };
  } catch (e) {
    const err = e as CliResult;
    return { code: err.code, stdout: err.stdout, stderr: readableLog(err.stderr), rawStderr: err.stderr };
  }
}

/**
 * As zkinfer, but in this process (cli/run.ts main, stdout and stderr captured): for tests that
 * run many commands, a child process costs a second or two of CPU to start. Not for commands
 * whose process-level behaviour is the point (signals, exit on a closed stream, the bin wiring),
 * nor for ones that would leave servers running. Runs one command at a time.
 */
export async function zkinferInProcess(...args: string[]): Promise<CliResult> {
  return zkinferInProcessIn(undefined, ...args);
}

let running = false;

/**
 * As zkinferIn, in this process: the working directory is changed for the command and restored
 * after it. Safe only because a vitest fork runs one test file per process and this runs one
 * command at a time (a second call while one runs throws); nothing else in the file may depend
 * on the working directory while the command runs (a server started by the same file resolves
 * its paths at start).
 */
export async function zkinferInProcessIn(cwd: string | undefined, ...args: string[]): Promise<CliResult> {
  const { main } = await import("../../cli/run.ts");
  if (running) throw new Error("zkinferInProcess: a command is already running in this process");
  running = true;
  let stdout = "", stderr = "";
  const out = process.stdout.write, err = process.stderr.write;
  const capture = (add: (s: string) => void) => ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    add(typeof chunk === "string" ? chunk : Buffer.from(chunk).toString());
    const cb = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    cb?.();
    return true;
  }) as typeof process.stdout.write;
  const before = process.cwd();
  let code: number;
  try {
    if (cwd !== undefined) process.chdir(cwd);
    process.stdout.write = capture((s) => (stdout += s));
    process.stderr.write = capture((s) => (stderr += s));
    code = await main(args);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.chdir(before);
    running = false;
  }
  return { code, stdout, stderr: readableLog(stderr), rawStderr: stderr };
}
