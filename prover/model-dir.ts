/**
 * The files of a compiled model folder (models/<name>/): manifest, integer ONNX, generated
 * circuit, and the build outputs (circuit, setup) that are made locally and never committed.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ProverError } from "./errors.ts";
import { EXAMPLE_MODELS_DIR } from "./paths.ts";
import { ensureCircuitBuild } from "./compiler/model.ts";
import { requireGeneratedCircuit, requireManifestR1cs } from "./circuit-check.ts";

export interface Manifest {
  name: string;
  modelId: string;
  files: { float: string; integer: string; circuit: string };
  input: { name: string; shape: (number | string)[]; dtype: string; shift: number };
  output: { name: string; shape: (number | string)[]; dtype: string; shift: number };
  visibility: { weights: string; input: string; output: string };
  weightInputs?: { signal: string; tensor: string }[];
  /** Hashed-weights models: the Poseidon commitment (decimal) of this model's weights, see prover/commitment.ts. */
  weightsCommitment?: string;
  publicSignals: string[];
  circuit: { hash: string; constraints: number; template: string; sourceHash?: string };
  proofSystem: string;
  [k: string]: unknown;
}

export interface ModelDir {
  dir: string;
  manifest: Manifest;
  onnxPath: string;
  circuitPath: string;
  buildDir: string;
}

/** The clone's example models (prover/paths.ts); kept under this name for the repo's tests and benchmarks. */
export const MODELS_DIR = EXAMPLE_MODELS_DIR;

/**
 * Opens a model folder by path, or by name under modelsDir (default: the example models of a
 * clone, which an installed package does not ship).
 */
export function openModelDir(nameOrPath: string, modelsDir: string = EXAMPLE_MODELS_DIR): ModelDir {
  const dir = existsSync(path.join(nameOrPath, "manifest.json")) ? path.resolve(nameOrPath) : path.join(modelsDir, nameOrPath);
  const manifestPath = path.join(dir, "manifest.json");
  if (!existsSync(manifestPath)) throw new ProverError(`model ${nameOrPath}: no manifest.json in ${dir}`);
  let manifest: Manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as Manifest;
  } catch (e) {
    throw new ProverError(`${manifestPath}: not valid JSON (${(e as Error).message})`);
  }
  return {
    dir,
    manifest,
    onnxPath: path.join(dir, manifest.files.integer),
    circuitPath: path.resolve(dir, manifest.files.circuit),
    buildDir: path.join(dir, "build"),
  };
}

/**
 * Compiles the model's committed circuit into build/circuit unless already there, after
 * checking it is what the ONNX compiles to, and that the build is the manifest's circuit.
 */
export async function buildModelCircuit(m: ModelDir, log?: (msg: string) => void, opts: { circuitOnly?: boolean } = {}) {
  // A ceremony may run on a folder that holds only a circuit (no integer ONNX to bind it to); such
  // a folder can never be served, proved or deployed, since those callers never pass circuitOnly.
  const bound = !(opts.circuitOnly && isCircuitOnly(m));
  if (bound) requireGeneratedCircuit(m);
  const build = await ensureCircuitBuild(m.circuitPath, path.join(m.buildDir, "circuit"), log);
  if (bound) requireManifestR1cs(m, build.r1cs);
  return build;
}

/** True when the manifest names no integer ONNX (files.integer absent or "-"). */
export function isCircuitOnly(m: ModelDir): boolean {
  const f = m.manifest.files.integer;
  return !f || f === "-";
}
