/**
 * Runs the circom compiler (circom2: circom in WebAssembly, from npm) on a circuit. circom2
 * runs under WASI and only sees paths below its working directory, so it runs from the repo
 * root with relative include paths (circuits/lib, node_modules).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { ProverError } from "./errors.ts";

export const REPO_ROOT = fileURLToPath(new URL("../", import.meta.url));
/** --O2: full linear simplification, so linear layers leave no constraints behind. */
export const CIRCOM_FLAGS = ["--r1cs", "--wasm", "--sym", "--O2"];

export interface CircomOutput {
  r1cs: string;
  wasm: string;
  sym: string;
}

export function circomVersion(): string {
  const req = createRequire(import.meta.url);
  return (req("circom2/package.json") as { version: string }).version;
}

export async function compileCircom(circuitPath: string, outDir: string): Promise<CircomOutput> {
  if (!existsSync(circuitPath)) throw new ProverError(`circuit file ${circuitPath} does not exist`);
  const cli = createRequire(import.meta.url).resolve("circom2/cli.js");
  const rel = (p: string) => path.relative(REPO_ROOT, path.resolve(p));
  mkdirSync(outDir, { recursive: true });
  try {
    await promisify(execFile)(
      process.execPath,
      [cli, rel(circuitPath), ...CIRCOM_FLAGS, "-o", rel(outDir), "-l", "circuits/lib", "-l", "node_modules"],
      { cwd: REPO_ROOT, maxBuffer: 64 << 20 },
    );
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new ProverError(`circom failed on ${circuitPath}:\n${err.stderr ?? ""}${err.stdout ?? ""}`);
  }
  const name = path.basename(circuitPath, ".circom");
  const out = { r1cs: path.join(outDir, `${name}.r1cs`), wasm: path.join(outDir, `${name}_js`, `${name}.wasm`), sym: path.join(outDir, `${name}.sym`) };
  if (!existsSync(out.r1cs) || !existsSync(out.wasm)) throw new ProverError(`circom wrote no ${out.r1cs} or ${out.wasm}`);
  return out;
}
