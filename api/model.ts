/**
 * Model-level calls of the public API: a model folder in, a setup, a proof or a verdict out.
 * Each is the library side of the CLI command of the same name (setup, prove, verify); the
 * CLI adds argv, files and exit codes around the same steps.
 */
import { readFileSync } from "node:fs";
import { openModelDir, isCircuitOnly, type ModelDir } from "../prover/model-dir.ts";
import { prepareModel, currentSetup, type ModelRef } from "../prover/prepare-model.ts";
import type { PtauSource, SetupResult } from "../prover/setup.ts";
import { proveGroth16, verifyGroth16, decodePublicSignals, type DecodedSignals } from "../prover/prove.ts";
import { circuitInputs } from "../prover/inputs.ts";
import { freshSalt } from "../prover/commitment.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { modelCommitmentMismatch } from "../prover/model-commitments.ts";
import { proofFileMismatch } from "../prover/proof-check.ts";
import { ProverError } from "../prover/errors.ts";
import { toInt8Input } from "../prover/input-values.ts";
import { proofMismatch } from "../prover/served-check.ts";
import type { Groth16Proof } from "../prover/snarkjs.ts";
import type { Logger } from "../prover/logger.ts";

export type { ModelRef };
const open = (m: ModelRef): ModelDir => (typeof m === "string" ? openModelDir(m) : m);

export interface SetupModelOptions {
  /** Default: the development powers of tau (INSECURE: never trusted), cached in the data directory. */
  ptau?: PtauSource;
  log?: Logger;
}

/** Builds the model's circuit if needed and makes (or reuses) its Groth16 setup in <model>/build/setup. */
export async function setupModel(model: ModelRef, o: SetupModelOptions = {}): Promise<SetupResult> {
  return (await prepareModel(open(model), o)).setup;
}

export interface ModelProof {
  model: string;
  modelId: string;
  /** What onnxruntime served, equal to what the proof proves (public output) or commits to (hashed output). */
  output: number[];
  proof: Groth16Proof;
  publicSignals: string[];
  /** The salts (decimal) of salted commitments (hashed-salted input, hashed output): keep them private. */
  inputSalt?: string;
  outputSalt?: string;
}

/** Runs the integer model on x (int8 values, the manifest's input shape flattened) and proves the output. */
export async function proveModel(model: ModelRef, x: ArrayLike<number>, o: { nonce?: bigint } = {}): Promise<ModelProof> {
  const m = open(model);
  const name = m.manifest.name;
  if (isCircuitOnly(m)) throw new ProverError(`model ${name}: its manifest names no integer ONNX (files.integer)`);
  // The same rules as the CLI's --input and the server's input.values (prover/input-values.ts).
  const input = toInt8Input(Array.isArray(x) || ArrayBuffer.isView(x) ? x : Array.from(x), m.manifest.input, "int8", "input");
  const { build, setup } = await prepareModel(m, { setup: "existing" });
  const onnx = readFileSync(m.onnxPath);
  const output = await runOnnx(onnx, input, m.manifest.input.shape.map((d) => (typeof d === "number" ? d : 1)));
  const outputSalt = m.manifest.visibility.output === "hashed" ? freshSalt() : undefined;
  const inputSalt = m.manifest.visibility.input === "hashed-salted" ? freshSalt() : undefined;
  const { proof, publicSignals } = await proveGroth16(setup.zkeyPath, build.wasm, circuitInputs(m.manifest, input, { graph: readOnnx(onnx), salt: outputSalt, inputSalt, nonce: o.nonce }));
  // The served output must be the proven one; a mismatch is a bug, never handed out.
  const why = await proofMismatch(m.manifest, { input, output, salt: outputSalt, inputSalt, nonce: o.nonce }, publicSignals);
  if (why) throw new ProverError(`model ${name}: the proof does not carry onnxruntime's output: ${why}`, { internal: true });
  return { model: name, modelId: m.manifest.modelId, output, proof, publicSignals, inputSalt: inputSalt?.toString(), outputSalt: outputSalt?.toString() };
}

/** A proof and the fields that may repeat its public signals: a ModelProof, or a file `zkinfer prove` wrote. */
export interface ProofToVerify {
  proof: Groth16Proof;
  publicSignals: string[];
  model?: string;
  modelId?: string;
  output?: number[];
  input?: number[];
  inputCommitment?: string;
  weightsCommitment?: string;
  outputCommitment?: string;
  nonce?: string;
  visibility?: unknown;
}

export interface Verdict {
  valid: boolean;
  /** Why not, naming the field, when invalid. */
  reason?: string;
  decoded?: DecodedSignals;
}

/**
 * Checks a proof against the model's verifying key and the commitments its manifest records,
 * then every field the proof object repeats (output, model, modelId, commitments) against the
 * proven public signals: a valid proof with an edited `output` beside it is invalid.
 */
export async function verifyModel(model: ModelRef, p: ProofToVerify): Promise<Verdict> {
  const m = open(model);
  if (typeof p?.proof !== "object" || p.proof === null || !Array.isArray(p.publicSignals)) return { valid: false, reason: 'the object lacks "proof" or "publicSignals"' };
  const vkey = JSON.parse(readFileSync(currentSetup(m).vkeyPath, "utf8"));
  const reason0 = modelCommitmentMismatch(m.manifest, p.publicSignals);
  if (reason0) return { valid: false, reason: reason0 };
  let decoded: DecodedSignals;
  try {
    decoded = decodePublicSignals(p.publicSignals, m.manifest.publicSignals);
  } catch (e) {
    return { valid: false, reason: `publicSignals: ${(e as Error).message}` };
  }
  if (!(await verifyGroth16(vkey, p.publicSignals, p.proof))) return { valid: false, reason: "the Groth16 proof does not verify against the verifying key" };
  // ModelProof carries the served output as numbers; the check reads the same field name.
  const reason = proofFileMismatch(m.manifest, p as unknown as Record<string, unknown>, decoded);
  return reason ? { valid: false, reason, decoded } : { valid: true, decoded };
}
