/**
 * Builds a small Groth16 setup at test time: compiles a circom circuit (circom2, the WebAssembly
 * build in node_modules), makes a throwaway powers of tau with snarkjs, and runs the Groth16
 * setup. Only for tests: the tau is known to nobody but is not a ceremony.
 *
 * The snarkjs tau (newAccumulator + contribute + preparePhase2) is fine at 2^4..2^8; the dev
 * ptau generator being built in prover/ptau/ is meant to replace it for larger powers.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { loadSnarkjs } from "../../prover/snarkjs.ts";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CompiledCircuit {
  r1cs: string;
  wasm: string;
}

/**
 * `circom2 <circuit> --r1cs --wasm -o <outDir> -l node_modules`, run from the repo root: circom2
 * runs under WASI and resolves includes relative to its cwd, so `-l node_modules` finds circomlib.
 */
export async function compileCircom(circuitPath: string, outDir: string): Promise<CompiledCircuit> {
  const cli = createRequire(import.meta.url).resolve("circom2/cli.js");
  const name = path.basename(circuitPath, ".circom");
  try {
    await promisify(execFile)(process.execPath, [cli, circuitPath, "--r1cs", "--wasm", "-o", outDir, "-l", "node_modules"], {
      cwd: REPO_ROOT,
    });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    throw new Error(`circom2 failed on ${circuitPath}:\n${err.stderr ?? ""}${err.stdout ?? ""}`);
  }
  const out = { r1cs: path.join(outDir, `${name}.r1cs`), wasm: path.join(outDir, `${name}_js`, `${name}.wasm`) };
  if (!existsSync(out.r1cs) || !existsSync(out.wasm)) throw new Error(`circom2 wrote no ${out.r1cs} / ${out.wasm}`);
  return out;
}

/** A phase-2-ready powers of tau of size 2^power, written to `outPath`. */
export async function snarkjsTestPtau(power: number, outPath: string): Promise<string> {
  const snarkjs = await loadSnarkjs();
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const p0 = `${outPath}.0`;
  const p1 = `${outPath}.1`;
  await snarkjs.powersOfTau.newAccumulator(curve, power, p0);
  await snarkjs.powersOfTau.contribute(p0, p1, "zkinfer test", "zkinfer test entropy (not secret)");
  await snarkjs.powersOfTau.preparePhase2(p1, outPath);
  return outPath;
}

/** Groth16 setup: r1cs + ptau -> zkey (no phase-2 contribution: enough for tests). */
export async function groth16Setup(r1cs: string, ptau: string, zkeyPath: string): Promise<string> {
  const snarkjs = await loadSnarkjs();
  await snarkjs.zKey.newZKey(r1cs, ptau, zkeyPath);
  return zkeyPath;
}
