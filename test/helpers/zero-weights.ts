/**
 * The zero-weights forgery against a hashed-weights model, with real parts: digits-mlp compiled
 * with `weights: "hashed"` into a model folder of its own (manifest, circuit, development setup),
 * one honest proof of a test digit, and one proof of the same digit whose private weights are
 * all zero and whose last bias is chosen: the outputs then equal that bias, values the model
 * never produces. Both are proved with the model's real proving key, and both satisfy every
 * constraint: only the public weightsCommitment tells them apart.
 * The circuit also has the `nonce` public input (the last signal), so that ProvenOracle's
 * weights check is tested on this same fixture (feeds need a nonce): one 27k-constraint setup
 * for escrow, oracle, CLI and server instead of two. The fixture's proofs use the default nonce.
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compileModelFile } from "../../prover/compiler/model.ts";
import { REPO_ROOT } from "../../prover/circom.ts";
import { buildModelCircuit, openModelDir, type ModelDir } from "../../prover/model-dir.ts";
import { readOnnx } from "../../prover/onnx/proto.ts";
import { circuitInputs } from "../../prover/inputs.ts";
import { setupGroth16 } from "../../prover/setup.ts";
import { proveGroth16, type ProofResult } from "../../prover/prove.ts";
import { loadDigits, splitDigits } from "../../models/lib/digits.ts";

export const HASHED_MODEL = "digits-mlp-weights-hashed";
/** The forged logits: far outside anything digits-mlp outputs, inside the 24-bit bias range. */
export const FORGED_OUTPUT = [-5_000_000, 0, 0, 0, 0, 0, 0, 8_000_000, 0, 0];

export interface ZeroWeightsFixture {
  /** The model folder (its parent is a models dir holding only it). */
  model: ModelDir;
  modelsDir: string;
  zkeyPath: string;
  wasmPath: string;
  vkey: unknown;
  /** The digit both proofs are about: the forged proof has the same input commitment. */
  input: number[];
  honest: ProofResult;
  forged: ProofResult;
  /** The circuit inputs of both proofs (nonce: the default), to prove them again with another nonce. */
  inputs: { honest: Record<string, unknown>; forged: Record<string, unknown> };
}

/**
 * The model folder, compiled and set up once under build/model-variants (circom only sees files
 * below the repository root) and reused while its circuit is unchanged. Test files running in
 * parallel take turns through a lock and each copies the folder into its own `modelsDir`, so no
 * test reads a file another one is rewriting. The setup is where the server looks for it
 * (build/setup in the model folder, the default development ptau cache).
 */
const CACHE = path.join(REPO_ROOT, "build", "model-variants", HASHED_MODEL);

async function buildCached(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  copyFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "model.int8.onnx"), path.join(CACHE, "model.int8.onnx"));
  const built = await compileModelFile({
    name: HASHED_MODEL,
    templateName: "DigitsMlpWeightsHashed",
    onnxPath: path.join(CACHE, "model.int8.onnx"),
    modelDir: CACHE,
    circuitPath: path.join(CACHE, "circuit.circom"),
    visibility: { weights: "hashed" }, nonce: true, check: { randomInputs: 16 },
  });
  await setupGroth16({ r1csPath: built.r1cs, setupDir: path.join(CACHE, "build", "setup"), ptau: { kind: "dev", cacheDir: path.join(REPO_ROOT, "build", "ptau") } });
}

/** Runs `fn` holding a lock directory; a lock whose process is gone is taken over. */
async function withLock(lock: string, fn: () => Promise<void>): Promise<void> {
  mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    let owner = 0;
    try {
      owner = Number(readFileSync(path.join(lock, "pid"), "utf8"));
      process.kill(owner, 0);
    } catch (e) {
      if (owner && (e as NodeJS.ErrnoException).code === "ESRCH") rmSync(lock, { recursive: true, force: true });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  writeFileSync(path.join(lock, "pid"), String(process.pid));
  try {
    await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/** Copies the built model into `modelsDir`/digits-mlp-weights-hashed and proves both statements there. */
export async function zeroWeightsFixture(modelsDir: string): Promise<ZeroWeightsFixture> {
  const dir = path.join(modelsDir, HASHED_MODEL);
  await withLock(`${CACHE}.lock`, buildCached);
  mkdirSync(modelsDir, { recursive: true });
  cpSync(CACHE, dir, { recursive: true });
  const model = openModelDir(dir);
  const built = await buildModelCircuit(model);
  const setup = await setupGroth16({ r1csPath: built.r1cs, setupDir: path.join(model.buildDir, "setup"), ptau: { kind: "dev", cacheDir: path.join(REPO_ROOT, "build", "ptau") } });
  const graph = readOnnx(readFileSync(model.onnxPath));
  const input = splitDigits(loadDigits()).test[0].pixels;
  const honestInputs = circuitInputs(model.manifest, input, { graph }) as Record<string, bigint[]>;
  const forgedInputs: Record<string, bigint[]> = { ...honestInputs };
  const last = model.manifest.weightInputs!.at(-1)!;
  for (const w of model.manifest.weightInputs!) forgedInputs[w.signal] = honestInputs[w.signal].map(() => 0n);
  if (forgedInputs[last.signal].length !== FORGED_OUTPUT.length) throw new Error(`${last.tensor}: expected the last bias (${FORGED_OUTPUT.length} values)`);
  forgedInputs[last.signal] = FORGED_OUTPUT.map(BigInt);
  return {
    model,
    modelsDir,
    zkeyPath: setup.zkeyPath,
    wasmPath: built.wasm,
    vkey: JSON.parse(readFileSync(setup.vkeyPath, "utf8")),
    input,
    honest: await proveGroth16(setup.zkeyPath, built.wasm, honestInputs),
    forged: await proveGroth16(setup.zkeyPath, built.wasm, forgedInputs),
    inputs: { honest: honestInputs, forged: forgedInputs },
  };
}
