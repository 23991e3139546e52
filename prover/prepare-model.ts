/**
 * The one path to a ready model: open the folder, compile its circuit into build/circuit unless
 * a current build is there, then reuse or make its Groth16 setup in build/setup (or only find
 * the current one). The CLI, the server, the library API, the benchmarks and the tests all make
 * a model ready through here, so the checks (the circuit is what the ONNX compiles to, the build
 * is the manifest's circuit) and the defaults (setup folder, development powers of tau in the
 * data directory) are the same everywhere.
 *
 * @example
 *   const { model, build, setup } = await prepareModel("path/to/model", { log: console });
 *   await proveGroth16(setup.zkeyPath, build.wasm, input);
 */
import path from "node:path";
import { openModelDir, buildModelCircuit, type ModelDir } from "./model-dir.ts";
import { setupGroth16, readSetupRecord, setupPaths, devPtau, type PtauSource, type SetupResult } from "./setup.ts";
import { ProverError } from "./errors.ts";
import type { Logger } from "./logger.ts";

/** A model folder, by path (or by name among modelsDir's models), or one already opened. */
export type ModelRef = string | ModelDir;

export interface PrepareOptions {
  /** Default: devPtau(), the development powers of tau (INSECURE: never trusted) in the data directory. */
  ptau?: PtauSource;
  log?: Logger;
  /**
   * true (default): reuse the current setup, else make one. "existing": use the current setup,
   * and refuse, before any compile, when there is none or it is stale (proving must never make
   * keys on the side). false: only the circuit build.
   */
  setup?: boolean | "existing";
  /** A ceremony may run on a folder holding only a circuit (see buildModelCircuit). */
  circuitOnly?: boolean;
  /** Where a bare model name is looked up; default: the example models of a clone. */
  modelsDir?: string;
}

export type CircuitBuild = Awaited<ReturnType<typeof buildModelCircuit>>;

export interface BuiltModel {
  model: ModelDir;
  /** r1cs, witness wasm and sym in <model>/build/circuit. */
  build: CircuitBuild;
}

export interface ReadyModel extends BuiltModel {
  /** zkeyPath, vkeyPath, the setup record (trusted, ptau, contributions) and whether it was reused. */
  setup: SetupResult;
}

/** Where a model's setups live: <build dir>/setup, one folder per circuit hash inside. */
export function modelSetupDir(m: ModelDir | string): string {
  return typeof m === "string" ? path.join(m, "build", "setup") : path.join(m.buildDir, "setup");
}

/** The Groth16 setup of a model folder's circuit (r1cs): reused while current, else made. */
export function setupModelCircuit(m: ModelDir | string, r1csPath: string, o: { ptau?: PtauSource; log?: Logger } = {}): Promise<SetupResult> {
  return setupGroth16({ r1csPath, setupDir: modelSetupDir(m), ptau: o.ptau ?? devPtau(), log: o.log });
}

/** The model's current setup (for its manifest's circuit hash); a ProverError saying how to make one when missing or stale. */
export function currentSetup(m: ModelDir): SetupResult {
  const hash = m.manifest.circuit.hash;
  const p = setupPaths(modelSetupDir(m), hash);
  const rec = readSetupRecord(p, hash);
  const name = m.manifest.name;
  if (rec.state === "missing") throw new ProverError(`model ${name}: no setup for circuit ${hash.slice(0, 12)}; run: zkinfer setup ${name}`);
  // An old setup's key has only a public phase 2: anyone can forge its proofs, so it is never used.
  if (rec.state === "stale") throw new ProverError(`model ${name}: the setup in ${p.dir} is stale (${rec.why}); run: zkinfer setup ${name}`);
  return { ...rec.info, dir: p.dir, zkeyPath: p.zkeyPath, vkeyPath: p.vkeyPath, cached: true };
}

export function prepareModel(model: ModelRef, o: PrepareOptions & { setup: false }): Promise<BuiltModel>;
export function prepareModel(model: ModelRef, o?: PrepareOptions & { setup?: true | "existing" }): Promise<ReadyModel>;
export async function prepareModel(model: ModelRef, o: PrepareOptions = {}): Promise<BuiltModel | ReadyModel> {
  const m = typeof model === "string" ? openModelDir(model, o.modelsDir) : model;
  const existing = o.setup === "existing" ? currentSetup(m) : undefined;
  const log = o.log;
  const build = await buildModelCircuit(m, log && ((msg) => log.info(msg)), { circuitOnly: o.circuitOnly });
  if (o.setup === false) return { model: m, build };
  const setup = existing ?? (await setupModelCircuit(m, build.r1cs, { ptau: o.ptau, log }));
  return { model: m, build, setup };
}
