/**
 * Real proofs of a compiled model for contract tests and the gas snapshot: builds the model's
 * circuit, runs (or reuses) its development Groth16 setup, proves the given inputs and exports
 * the model's Solidity verifier. Development setup only: the ptau is insecure by construction.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openModelDir, type ModelDir } from "../prover/model-dir.ts";
import { prepareModel } from "../prover/prepare-model.ts";
import { compileToCircom, type Visibility } from "../prover/compiler/compile.ts";
import { ensureCircuitBuild } from "../prover/compiler/model.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { circuitInputs } from "../prover/inputs.ts";
import { freshSalt } from "../prover/commitment.ts";
import { setupGroth16, devPtau } from "../prover/setup.ts";
import { proveGroth16, type ProofResult } from "../prover/prove.ts";
import { defaultPaths } from "../prover/paths.ts";
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
  const { model, build, setup } = await prepareModel(name);
  const proofs: ProofResult[] = [];
  for (const x of inputs) proofs.push(await proveGroth16(setup.zkeyPath, build.wasm, x));
  return { model, zkeyPath: setup.zkeyPath, wasmPath: build.wasm, verifierSol: await exportGroth16Verifier(setup.zkeyPath), proofs };
}

/** What is appended to the ONNX bytes to make the hashed-output variant's model id. */
export const OUTPUT_HASHED_ID_TAG = "output:hashed";

/**
 * Model id of a visibility variant: sha256(ONNX bytes || utf8(tag)), 64 hex digits. The
 * registry never overwrites an id, and the variant has its own circuit and verifier, so it
 * needs an id of its own; deriving it from the same ONNX bytes keeps it tied to the weights.
 */
export function variantModelId(onnxBytes: Uint8Array, tag: string): string {
  return createHash("sha256").update(onnxBytes).update(tag, "utf8").digest("hex");
}

export interface HashedOutputProofs extends ModelProofs {
  /** The salt of each proof (a fresh random field element), in order. */
  salts: bigint[];
}

/**
 * The model compiled again with its output hashed (public signals [inputCommitment,
 * outputCommitment], a private salt), built in build/model-variants/<name>-output-hashed/ with
 * its own development setup, and one proof per input with a fresh random salt. The returned
 * `model.manifest` is the variant's (id from variantModelId, visibility, public signals); the
 * model's committed folder and manifest are not touched.
 */
export async function proveHashedOutputVariant(name: string, inputs: ArrayLike<number>[]): Promise<HashedOutputProofs> {
  const base = openModelDir(name);
  const onnx = readFileSync(base.onnxPath);
  const visibility = { ...(base.manifest.visibility as Partial<Visibility>), output: "hashed" as const };
  const compiled = compileToCircom(readOnnx(onnx), { templateName: base.manifest.circuit.template, visibility });
  const dir = path.join(defaultPaths().dataDir, "model-variants", `${name}-output-hashed`);
  mkdirSync(dir, { recursive: true });
  const circuitPath = path.join(dir, `${name.replace(/[^A-Za-z0-9_]/g, "_")}_output_hashed.circom`);
  writeFileSync(circuitPath, compiled.source);
  const build = await ensureCircuitBuild(circuitPath, path.join(dir, "circuit"));
  const setup = await setupGroth16({
    r1csPath: build.r1cs,
    setupDir: path.join(dir, "setup"),
    ptau: devPtau(),
  });
  const manifest = {
    ...base.manifest,
    modelId: variantModelId(onnx, OUTPUT_HASHED_ID_TAG),
    visibility: compiled.visibility,
    publicSignals: compiled.publicSignals,
    circuit: { ...base.manifest.circuit, hash: setup.circuitHash, constraints: setup.constraints },
    setup: undefined,
  };
  const layout = { visibility: compiled.visibility, weightInputs: compiled.weightInputs };
  const proofs: ProofResult[] = [];
  const salts: bigint[] = [];
  for (const x of inputs) {
    const salt = freshSalt();
    salts.push(salt);
    proofs.push(await proveGroth16(setup.zkeyPath, build.wasm, circuitInputs(layout, x, { salt })));
  }
  return {
    model: { dir, manifest, onnxPath: base.onnxPath, circuitPath, buildDir: dir },
    zkeyPath: setup.zkeyPath,
    wasmPath: build.wasm,
    verifierSol: await exportGroth16Verifier(setup.zkeyPath),
    proofs,
    salts,
  };
}
