/**
 * A model's ModelRegistry record from its manifest: the id, the Layout of its public signals
 * (IModelRegistry.Layout) and the weights commitment, and the register() call that sends them.
 *
 * @example
 *   const r = registrationFromManifest(manifest); // { modelId, nPublic, outputOffset, ... }
 *   await registerModel(registry, manifest, verifierAddress, "ipfs://...");
 */
import type { Contract, TransactionReceipt } from "ethers";
import { VerifierContractsError } from "./errors.ts";
import type { Manifest } from "../prover/model-dir.ts";

/** Flags of IModelRegistry.Model.visibility (libraries/Visibility.sol). */
export const VISIBILITY = { INPUT_HASHED: 1, OUTPUT_HASHED: 2, WEIGHTS_HASHED: 4 } as const;
/** commitmentIndex of a model with a public input. */
export const NO_INPUT_COMMITMENT = 0xffff;
/** weightsIndex of a model whose weights are fixed in its circuit. */
export const NO_WEIGHTS_COMMITMENT = 0xffff;
/** nonceIndex of a model whose circuit has no "nonce" public input. */
export const NO_NONCE = 0xffff;

/** IModelRegistry.Layout: where each kind of public signal sits, as register() takes it. */
export interface RegistryLayout {
  nPublic: number;
  /** Position of "inputCommitment", else NO_INPUT_COMMITMENT. */
  commitmentIndex: number;
  /** Position of "weightsCommitment" (hashed weights), else NO_WEIGHTS_COMMITMENT. */
  weightsIndex: number;
  /** Position of "out[0]", or of "outputCommitment" when the output is hashed. */
  outputOffset: number;
  /** How many "out[k]" signals; 0 when the output is hashed. */
  outputCount: number;
  /** Position of the "nonce" public input, else NO_NONCE. */
  nonceIndex: number;
  visibility: number;
}

export interface ModelRegistration extends RegistryLayout {
  /** bytes32, 0x-prefixed. */
  modelId: string;
  /** The manifest's weightsCommitment (hashed weights), else 0n. */
  weightsCommitment: bigint;
}

/** The Layout struct of a registration, as register() takes it (ethers encodes the named fields). */
export function registryLayout(r: RegistryLayout): RegistryLayout {
  const { nPublic, commitmentIndex, weightsIndex, outputOffset, outputCount, nonceIndex, visibility } = r;
  return { nPublic, commitmentIndex, weightsIndex, outputOffset, outputCount, nonceIndex, visibility };
}

type ManifestFields = Pick<Manifest, "modelId" | "publicSignals" | "visibility" | "name" | "weightsCommitment">;

/**
 * The output range of a manifest's public signals: "out[0]".."out[n-1]" in order and adjacent,
 * or one "outputCommitment" (count 0) when the output is hashed.
 */
function outputRange(m: ManifestFields, hashed: boolean): { outputOffset: number; outputCount: number } {
  const sig = m.publicSignals;
  const outs = sig.flatMap((s, i) => (s.startsWith("out[") ? [i] : []));
  const commitment = sig.indexOf("outputCommitment");
  const where = `model ${m.name}: manifest publicSignals`;
  if (hashed) {
    if (commitment < 0 || outs.length > 0) throw new VerifierContractsError(`${where} must hold "outputCommitment" and no "out[k]" for a hashed output, got ${JSON.stringify(sig)}`);
    return { outputOffset: commitment, outputCount: 0 };
  }
  if (commitment >= 0 || outs.length === 0) throw new VerifierContractsError(`${where} must hold "out[k]" signals and no "outputCommitment" for a public output, got ${JSON.stringify(sig)}`);
  const offset = outs[0]!;
  outs.forEach((i, k) => {
    if (i !== offset + k || sig[i] !== `out[${k}]`) throw new VerifierContractsError(`${where}: expected "out[${k}]" at position ${offset + k}, got ${JSON.stringify(sig[offset + k])}`);
  });
  return { outputOffset: offset, outputCount: outs.length };
}

/**
 * register()'s arguments from a manifest: the id, the Layout derived from `publicSignals`
 * ("inputCommitment", "weightsCommitment", "out[k]" or "outputCommitment", "nonce", "x[i]"),
 * the visibility flags, and for hashed weights the weights commitment (refused if the manifest
 * lacks it).
 */
export function registrationFromManifest(m: ManifestFields): ModelRegistration {
  if (!/^[0-9a-f]{64}$/i.test(m.modelId)) throw new VerifierContractsError(`model ${m.name}: manifest modelId must be 64 hex digits, got ${m.modelId}`);
  const flag = (v: string, bit: number, what: string, plain: string) => {
    if (v === "hashed") return bit;
    if (v === plain) return 0;
    throw new VerifierContractsError(`model ${m.name}: manifest visibility.${what} must be "hashed" or "${plain}", got ${v}`);
  };
  const visibility =
    // A salted input commitment is, on chain, an input commitment like any other.
    flag(m.visibility.input === "hashed-salted" ? "hashed" : m.visibility.input, VISIBILITY.INPUT_HASHED, "input", "public") |
    flag(m.visibility.output, VISIBILITY.OUTPUT_HASHED, "output", "public") |
    flag(m.visibility.weights, VISIBILITY.WEIGHTS_HASHED, "weights", "fixed");
  const idx = m.publicSignals.indexOf("inputCommitment");
  let weightsIndex = NO_WEIGHTS_COMMITMENT, weightsCommitment = 0n;
  if (visibility & VISIBILITY.WEIGHTS_HASHED) {
    weightsIndex = m.publicSignals.indexOf("weightsCommitment");
    if (weightsIndex < 0) throw new VerifierContractsError(`model ${m.name}: hashed weights but no "weightsCommitment" in manifest publicSignals`);
    if (typeof m.weightsCommitment !== "string" || !/^\d{1,78}$/.test(m.weightsCommitment)) {
      throw new VerifierContractsError(`model ${m.name}: manifest weightsCommitment must be a decimal string for hashed weights, got ${JSON.stringify(m.weightsCommitment)} (compile the model again)`);
    }
    weightsCommitment = BigInt(m.weightsCommitment);
  }
  const nonce = m.publicSignals.indexOf("nonce");
  return {
    modelId: `0x${m.modelId.toLowerCase()}`,
    nPublic: m.publicSignals.length,
    commitmentIndex: idx < 0 ? NO_INPUT_COMMITMENT : idx,
    weightsIndex,
    ...outputRange(m, (visibility & VISIBILITY.OUTPUT_HASHED) !== 0),
    nonceIndex: nonce < 0 ? NO_NONCE : nonce,
    visibility,
    weightsCommitment,
  };
}

/** Registers a model from its manifest with `verifier`; resolves to the mined receipt. */
export async function registerModel(registry: Contract, manifest: ManifestFields, verifier: string, metadataURI: string): Promise<TransactionReceipt> {
  const r = registrationFromManifest(manifest);
  const tx = await registry.getFunction("register")(r.modelId, verifier, registryLayout(r), r.weightsCommitment, metadataURI);
  return (await tx.wait()) as TransactionReceipt;
}
