/**
 * digits-mlp compiled with a hashed-salted input, for the tests of salted escrow requests: built
 * and set up once per run (build/model-variants, under a file lock so test files running side by
 * side take turns), then copied into each test's own models folder.
 */
import { copyFileSync, cpSync, mkdirSync } from "node:fs";
import path from "node:path";
import { compileModelFile } from "../../prover/compiler/model.ts";
import { withFileLock } from "../../prover/file-lock.ts";
import { REPO_ROOT } from "../../prover/circom.ts";
import { openModelDir } from "../../prover/model-dir.ts";
import { setupModelCircuit } from "../../prover/prepare-model.ts";

export const SALTED_DIGITS = "digits-mlp-salted-input";
const CACHE = path.join(REPO_ROOT, "build", "model-variants", SALTED_DIGITS);

async function buildCached(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  copyFileSync(openModelDir("digits-mlp").onnxPath, path.join(CACHE, "model.int8.onnx"));
  const built = await compileModelFile({
    name: SALTED_DIGITS, templateName: "DigitsMlpSaltedInput", onnxPath: path.join(CACHE, "model.int8.onnx"), modelDir: CACHE,
    circuitPath: path.join(CACHE, "circuit.circom"), visibility: { input: "hashed-salted" }, check: { randomInputs: 16 },
  });
  await setupModelCircuit(CACHE, built.r1cs);
}

/** Puts the salted-input digits model (compiled and set up) into `modelsDir`; returns its name. */
export async function saltedDigitsModel(modelsDir: string): Promise<string> {
  await withFileLock(`${CACHE}.lock`, buildCached);
  mkdirSync(modelsDir, { recursive: true });
  cpSync(CACHE, path.join(modelsDir, SALTED_DIGITS), { recursive: true });
  return SALTED_DIGITS;
}
