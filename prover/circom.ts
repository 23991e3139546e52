/**
 * Runs the circom compiler (circom2: circom in WebAssembly, from npm) on a circuit. circom2
 * runs under WASI and only sees paths below its working directory, so each compile runs in a
 * fresh work folder inside outDir that holds a copy of the circuit and of every file it
 * includes (circom-sources.ts): the circom library circuits/lib and the circomlib files it
 * needs. Compiles then work from any working directory, from an installed package, and with a
 * symlinked node_modules (pnpm).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { ProverError } from "./errors.ts";
import { gatherSources } from "./circom-sources.ts";
import { CIRCUIT_LIB_DIR, PACKAGE_ROOT } from "./paths.ts";

/**
 * The package folder. In a clone that is the repository: the repo's tests and scripts use it;
 * library code takes paths, with defaults from paths.ts.
 */
export const REPO_ROOT = PACKAGE_ROOT;
/** --O2: full linear simplification, so linear layers leave no constraints behind. */
export const CIRCOM_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"];

export interface CircomOutput {
  r1cs: string;
  wasm: string;
  sym: string;
}

export interface CompileCircomOptions {
  /** Folders searched for includes, in order; default circuits/lib, then circomlib's node_modules folder. */
  libraryDirs?: string[];
}

const req = createRequire(import.meta.url);

export function circomVersion(): string {
  return (req("circom2/package.json") as { version: string }).version;
}

/** The circom include folders: the circuit library, then the folder that holds circomlib (include "circomlib/circuits/..."). */
export function defaultLibraryDirs(): string[] {
  return [CIRCUIT_LIB_DIR, path.dirname(path.dirname(req.resolve("circomlib/package.json")))];
}

export async function compileCircom(circuitPath: string, outDir: string, o: CompileCircomOptions = {}): Promise<CircomOutput> {
  if (!existsSync(circuitPath)) throw new ProverError(`circuit file ${circuitPath} does not exist`);
  const cli = req.resolve("circom2/cli.js");
  const name = path.basename(circuitPath, ".circom");
  mkdirSync(outDir, { recursive: true });
  const work = mkdtempSync(path.join(outDir, ".circom-"));
  try {
    const src = gatherSources(circuitPath, o.libraryDirs ?? defaultLibraryDirs(), work);
    mkdirSync(path.join(work, "out")); // circom refuses an output folder that does not exist
    try {
      await promisify(execFile)(process.execPath, [cli, src.main, ...CIRCOM_FLAGS, "-o", "out", ...src.libs.flatMap((l) => ["-l", l])], { cwd: work, maxBuffer: 64 << 20 });
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      // Name the original files, not their copies in the work folder.
      let text = `${err.stderr ?? ""}${err.stdout ?? ""}`;
      for (const [copy, orig] of src.copied) text = text.split(copy).join(orig);
      throw new ProverError(`circom failed on ${circuitPath}:\n${text}`);
    }
    const out = { r1cs: path.join(outDir, `${name}.r1cs`), wasm: path.join(outDir, `${name}_js`, `${name}.wasm`), sym: path.join(outDir, `${name}.sym`) };
    for (const f of [`${name}.r1cs`, `${name}.sym`, `${name}_js`]) {
      const made = path.join(work, "out", f);
      if (!existsSync(made)) throw new ProverError(`circom wrote no ${f} for ${circuitPath}`);
      rmSync(path.join(outDir, f), { recursive: true, force: true });
      renameSync(made, path.join(outDir, f));
    }
    return out;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
