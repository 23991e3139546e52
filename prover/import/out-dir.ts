/**
 * The output folder of an import, made whole or not at all: everything is written into a
 * staging folder beside it (same file system, so the last step is one rename), which is removed
 * when any step fails. An existing folder is replaced only when it is empty or holds an earlier
 * import of the same float ONNX and nothing else; any other folder is refused before work starts. Replacing an
 * earlier import starts from a copy of its build/ (circuit build and setup, keyed by content),
 * so an import that yields the same circuit recompiles nothing and keeps its keys.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import path from "node:path";
import { ProverError } from "../errors.ts";

export interface StagedDir {
  /** Where to write. */
  dir: string;
  /** Moves the staging folder to the output folder (replacing an earlier import of the same model). */
  commit(): void;
  /** Removes the staging folder. */
  discard(): void;
}

/** Refuses an output folder that holds anything but an earlier import of this source (sha256). */
export function checkOutDir(outDir: string, sourceSha256: string, option = "--out"): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new ProverError(`${option}: ${outDir} exists and is not a folder`);
  if (readdirSync(outDir).length === 0) return;
  const manifest = path.join(outDir, "manifest.json");
  let previous: { source?: { sha256?: string }; files?: { circuit?: unknown } } | undefined;
  try {
    previous = existsSync(manifest) ? JSON.parse(readFileSync(manifest, "utf8")) : undefined;
  } catch {
    previous = undefined;
  }
  if (previous?.source?.sha256 !== sourceSha256) {
    throw new ProverError(`${option}: ${outDir} exists and holds ${previous ? "another model (its manifest.json names another source)" : "files that are not an import of this model"}; give a new or empty folder`);
  }
  // Replacing the folder must not take anything else with it (the user's data, notes).
  const ours = new Set(["manifest.json", "model.float.onnx", "model.int8.onnx", "build", String(previous.files?.circuit)]);
  const others = readdirSync(outDir).filter((f) => !ours.has(f));
  if (others.length) throw new ProverError(`${option}: ${outDir} holds an earlier import of this model and also ${others.slice(0, 5).join(", ")}${others.length > 5 ? ", ..." : ""}, which replacing it would delete; move them out, or give a new folder`);
}

/** Staging folders of imports still running in this process (see discardStagedDirs). */
const live = new Set<string>();

/**
 * Removes the staging folders of imports still running, synchronously: for a process that is
 * about to exit on a signal (the CLI's Ctrl-C), which would otherwise leave them beside --out.
 */
export function discardStagedDirs(): void {
  for (const d of live) rmSync(d, { recursive: true, force: true });
  live.clear();
}

export function stageOutDir(outDir: string): StagedDir {
  const target = path.resolve(outDir);
  mkdirSync(path.dirname(target), { recursive: true });
  const dir = `${target}.importing-${process.pid}-${Date.now()}`;
  mkdirSync(dir);
  live.add(dir);
  const previousBuild = path.join(target, "build");
  if (existsSync(previousBuild)) cpSync(previousBuild, path.join(dir, "build"), { recursive: true });
  return {
    dir,
    commit() {
      const old = `${target}.replaced-${process.pid}-${Date.now()}`;
      const had = existsSync(target);
      if (had) renameSync(target, old);
      try {
        renameSync(dir, target);
      } catch (e) {
        if (had) renameSync(old, target);
        throw e;
      }
      live.delete(dir);
      if (had) rmSync(old, { recursive: true, force: true });
    },
    discard: () => {
      live.delete(dir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
