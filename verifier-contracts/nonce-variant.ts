/**
 * A model compiled again with a `nonce` public input (the last public signal), for oracle
 * feeds: ProvenOracle reads the nonce as the observation time. Built in
 * build/model-variants/<name>-nonce/ with its own development setup (insecure by construction,
 * for tests and the gas snapshot); the model's committed folder and manifest are not touched.
 *
 * @example
 *   const v = await nonceVariant("digits-mlp");
 *   const p = await v.prove(pixels, BigInt(Math.floor(Date.now() / 1000)));
 *   await oracle.submit(feedId, ...settleArgs(p.proof, p.publicSignals));
 */
import { readFileSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openModelDir, type ModelDir } from "../prover/model-dir.ts";
import { compileToCircom, DEFAULT_BIAS_BITS, NONCE_ID_TAG, type Visibility } from "../prover/compiler/compile.ts";
import { weightsCommitment } from "../prover/commitment.ts";
import { ensureCircuitBuild } from "../prover/compiler/model.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { circuitInputs, committedWeights } from "../prover/inputs.ts";
import { setupGroth16, devPtau } from "../prover/setup.ts";
import { proveGroth16, type ProofResult } from "../prover/prove.ts";
import { defaultPaths } from "../prover/paths.ts";
import { exportGroth16Verifier } from "./groth16-verifier.ts";
import { variantModelId } from "./model-proofs.ts";

export interface NonceVariant {
  /** The variant's folder and manifest (modelId = variantModelId(onnx, NONCE_ID_TAG), publicSignals ending with "nonce"). */
  model: ModelDir;
  zkeyPath: string;
  vkeyPath: string;
  wasmPath: string;
  /** Solidity source of the variant's Groth16Verifier. */
  verifierSol: string;
  /** A proof of the model on int8 input x with this nonce (hashed weights: the model's, unless `inputs` replaces them). */
  prove(x: ArrayLike<number>, nonce: bigint, inputs?: Record<string, unknown>): Promise<ProofResult>;
  /** The circuit inputs prove() uses, to alter (e.g. other weights). */
  inputs(x: ArrayLike<number>, nonce: bigint): Record<string, unknown>;
}

/**
 * The manifest fields of `name` compiled with a nonce and other `visibility` (no circom build:
 * enough to derive a registry layout, e.g. of a public-input variant).
 */
export function nonceVariantManifest(name: string, visibility: Partial<Visibility> = {}) {
  const base = openModelDir(name);
  const onnx = readFileSync(base.onnxPath);
  const vis = { ...(base.manifest.visibility as Partial<Visibility>), ...visibility };
  const compiled = compileToCircom(readOnnx(onnx), { templateName: base.manifest.circuit.template, visibility: vis, nonce: true });
  const tag = variantTag(visibility);
  const hashed = compiled.weightInputs.length
    ? { weightInputs: compiled.weightInputs.map(({ signal, tensor }) => ({ signal, tensor })), biasBits: DEFAULT_BIAS_BITS }
    : {};
  return {
    compiled,
    manifest: { ...base.manifest, ...hashed, modelId: variantModelId(onnx, tag), visibility: compiled.visibility, publicSignals: compiled.publicSignals },
  };
}

/** "nonce", then each visibility that differs from the model's ("nonce,weights:hashed"). */
const variantTag = (visibility: Partial<Visibility>) => [NONCE_ID_TAG, ...Object.entries(visibility).map(([k, v]) => `${k}:${v}`)].join(",");

/** Builds (or reuses) the variant of `name` with a nonce and `visibility`, and its development setup. */
export async function nonceVariant(name: string, visibility: Partial<Visibility> = {}): Promise<NonceVariant> {
  const base = openModelDir(name);
  const { compiled, manifest: vm } = nonceVariantManifest(name, visibility);
  const graph = readOnnx(readFileSync(base.onnxPath));
  // Hashed weights: the commitment of the model's own weights, as compileModelFile records it.
  const m = compiled.weightInputs.length ? { ...vm, weightsCommitment: String(await weightsCommitment(committedWeights(compiled, graph, DEFAULT_BIAS_BITS))) } : vm;
  const dir = path.join(defaultPaths().dataDir, "model-variants", `${name}-${variantTag(visibility).replace(/[^a-z0-9]+/g, "-")}`);
  mkdirSync(dir, { recursive: true });
  const circuitPath = path.join(dir, `${path.basename(dir).replace(/[^A-Za-z0-9_]/g, "_")}.circom`);
  writeFileSync(circuitPath, compiled.source);
  const build = await ensureCircuitBuild(circuitPath, path.join(dir, "circuit"));
  const setup = await setupGroth16({
    r1csPath: build.r1cs,
    setupDir: path.join(dir, "setup"),
    ptau: devPtau(),
  });
  const manifest = { ...m, circuit: { ...base.manifest.circuit, hash: setup.circuitHash, constraints: setup.constraints }, setup: undefined };
  return {
    model: { dir, manifest, onnxPath: base.onnxPath, circuitPath, buildDir: dir },
    zkeyPath: setup.zkeyPath,
    vkeyPath: setup.vkeyPath,
    wasmPath: build.wasm,
    verifierSol: await exportGroth16Verifier(setup.zkeyPath),
    inputs: (x, nonce) => circuitInputs(compiled, x, { nonce, graph }),
    prove: (x, nonce, inputs) => proveGroth16(setup.zkeyPath, build.wasm, inputs ?? circuitInputs(compiled, x, { nonce, graph })),
  };
}
