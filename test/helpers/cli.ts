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
