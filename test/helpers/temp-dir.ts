/**
 * Per-test scratch directories under the OS temp dir, so tests never write into the repository
 * and can run in parallel (vitest forks) without sharing files.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";

export interface TempDir {
  path: string;
  /** Joins `parts` under the temp dir. */
  file(...parts: string[]): string;
  /** Removes the directory and everything in it; safe to call twice. */
  remove(): void;
}

export function makeTempDir(prefix = "zkinfer-test-"): TempDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    path: dir,
    file: (...parts) => path.join(dir, ...parts),
    // KEEP_TEST_TMP=1 keeps the files around to inspect a failing run.
    remove: () => { if (!process.env.KEEP_TEST_TMP) rmSync(dir, { recursive: true, force: true }); },
  };
}
