/**
 * Real proofs of a compiled model for contract tests and the gas snapshot: builds the model's
 * circuit, runs (or reuses) its development Groth16 setup, proves the given inputs and exports
 * the model's Solidity verifier. Development setup only: the ptau is insecure by construction.
 */
import path from "node:path";
import { openModelDir, buildModelCircuit, type ModelDir } from "../prover/model-dir.ts";
import { setupGroth16 } from "../prover/setup.ts";
import { proveGroth16, type ProofResult } from "../prover/prove.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { exportGroth16Verifier } from "./groth16-verifier.ts";

export interface ModelProofs {
  model: ModelDir;
  zkeyPath: string;
  /** The circuit's witness generator, to prove more inputs with proveGroth16. */
  wasmPath: string;
  /** Solidity source of the model's Groth16Verifier. */
  verifierSol: string;
  /** One proof per input, in order. */
  proofs: ProofResult[];
}

export async function proveModelInputs(name: string, inputs: ArrayLike<number>[]): Promise<ModelProofs> {
  const model = openModelDir(name);
  const build = await buildModelCircuit(model);
  const setup = await setupGroth16({
    r1csPath: build.r1cs,
    setupDir: path.join(model.buildDir, "setup"),
    ptau: { kind: "dev", cacheDir: path.join(REPO_ROOT, "build", "ptau") },
  });
  const proofs: ProofResult[] = [];
  for (const x of inputs) proofs.push(await proveGroth16(setup.zkeyPath, build.wasm, x));
  return { model, zkeyPath: setup.zkeyPath, wasmPath: build.wasm, verifierSol: await exportGroth16Verifier(setup.zkeyPath), proofs };
}
