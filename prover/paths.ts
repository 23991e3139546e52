/**
 * Where zkinfer finds its own files and where it keeps the files it makes: the one place for
 * these defaults. Library functions take explicit paths and options; when a caller leaves one
 * out, the default comes from here.
 *
 * Two kinds of location:
 * - the package's own files (the circom library circuits/lib; in a clone also the example
 *   models), found beside this module wherever the package is installed;
 * - the data directory, for what zkinfer writes (powers-of-tau cache, job database, solc
 *   output cache): $ZKINFER_DATA_DIR if set; else, when zkinfer is an installed dependency,
 *   `.zkinfer/` in the project that runs it; else (running from a clone) the clone's `build/`,
 *   so the repository's tests and scripts keep their layout.
 *
 * @example
 *   import { defaultPaths } from "./paths.ts";
 *   const { ptauDir, jobsDb } = defaultPaths(); // e.g. <project>/.zkinfer/ptau, .../server/jobs.sqlite
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The folder of the zkinfer package (a clone, or node_modules/<name> in a project). */
export const PACKAGE_ROOT = fileURLToPath(new URL("../", import.meta.url));

/** The circom library the generated circuits include (`include "zkinfer.circom"`). */
export const CIRCUIT_LIB_DIR = path.join(PACKAGE_ROOT, "circuits", "lib");

/** The example models of a clone (not shipped in the npm package). */
export const EXAMPLE_MODELS_DIR = path.join(PACKAGE_ROOT, "models");

/** The environment variable that overrides the data directory. */
export const DATA_DIR_ENV = "ZKINFER_DATA_DIR";

/** True when this package sits inside a node_modules folder, i.e. was installed as a dependency. */
export function isInstalledPackage(root: string = PACKAGE_ROOT): boolean {
  return path.resolve(root).split(path.sep).includes("node_modules");
}

/** The nearest folder at or above dir holding a package.json (the project), else dir itself. */
export function projectRoot(dir: string): string {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (existsSync(path.join(d, "package.json"))) return d;
    if (path.dirname(d) === d) return path.resolve(dir);
  }
}

export interface DataDirOptions {
  env?: Record<string, string | undefined>;
  /** Where a relative $ZKINFER_DATA_DIR and the project are resolved from; default process.cwd(). */
  cwd?: string;
  /** The package folder (tests); default PACKAGE_ROOT. */
  packageRoot?: string;
}

/** The data directory: $ZKINFER_DATA_DIR, else <project>/.zkinfer when installed, else <clone>/build. */
export function resolveDataDir(o: DataDirOptions = {}): string {
  const env = o.env ?? process.env;
  const cwd = o.cwd ?? process.cwd();
  const root = o.packageRoot ?? PACKAGE_ROOT;
  const given = env[DATA_DIR_ENV];
  if (given) return path.resolve(cwd, given);
  return isInstalledPackage(root) ? path.join(projectRoot(cwd), ".zkinfer") : path.join(root, "build");
}

export interface DefaultPaths {
  dataDir: string;
  /** Cache of development powers of tau (INSECURE, generated locally). */
  ptauDir: string;
  /** The server's SQLite job database. */
  jobsDb: string;
  /** Compiled Solidity (solc-js output), keyed by compiler version and input. */
  solcCacheDir: string;
}

/** Every default location below one data directory. */
export function defaultPaths(dataDir: string = resolveDataDir()): DefaultPaths {
  return {
    dataDir,
    ptauDir: path.join(dataDir, "ptau"),
    jobsDb: path.join(dataDir, "server", "jobs.sqlite"),
    solcCacheDir: path.join(dataDir, "solc"),
  };
}
