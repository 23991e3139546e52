/**
 * One model on chain: its Groth16 verifier deployed and registered in a ModelRegistry, unless
 * the registry already has the model id (versions are new ids, never overwritten, so an
 * existing record is the answer). Shared by `npm start`'s local chain and `zkinfer deploy`.
 *
 * @example
 *   const r = await deployModel(signer, registry, { manifest, zkeyPath, metadataURI: "zkinfer:digits-mlp" });
 *   console.log(r.verifier, r.registered ? "registered now" : "already registered");
 */
import type { Contract, Signer } from "ethers";
import { registerModel, registrationFromManifest, revertErrorName } from "./contracts.ts";
import { deployVerifier, exportGroth16Verifier } from "./groth16-verifier.ts";
import { VerifierContractsError } from "./errors.ts";

export interface DeployModelOptions {
  manifest: Parameters<typeof registrationFromManifest>[0];
  /** The model's Groth16 zkey, whose verifier is exported and deployed. */
  zkeyPath: string;
  metadataURI: string;
}

export interface DeployedModel {
  /** bytes32, 0x-prefixed. */
  modelId: string;
  verifier: string;
  /** True when registered by this call, false when the registry already had the model. */
  registered: boolean;
  /** The register() transaction, when registered by this call. */
  txHash?: string;
}

/** The registry's verifier for `modelId` (bytes32), or undefined when the model is not registered. */
export async function registeredVerifier(registry: Contract, modelId: string): Promise<string | undefined> {
  try {
    const m = await registry.getFunction("model")(modelId);
    return String(m.verifier);
  } catch (e) {
    if (revertErrorName(registry, e) === "ModelNotRegistered") return undefined;
    throw e;
  }
}

export async function deployModel(signer: Signer, registry: Contract, o: DeployModelOptions): Promise<DeployedModel> {
  const { modelId, weightsCommitment } = registrationFromManifest(o.manifest);
  const existing = await registeredVerifier(registry, modelId);
  if (existing) {
    // An existing record is the answer only if it names these weights: the escrow and oracle
    // would otherwise reject every proof of this model.
    const registered = BigInt(await registry.getFunction("weightsCommitment")(modelId));
    if (registered !== weightsCommitment) {
      throw new VerifierContractsError(`model ${o.manifest.name}: registry has id ${modelId} with weights commitment ${registered}, the manifest says ${weightsCommitment}`);
    }
    return { modelId, verifier: existing, registered: false };
  }
  const verifier = await deployVerifier(signer, await exportGroth16Verifier(o.zkeyPath));
  const address = await verifier.getAddress();
  const receipt = await registerModel(registry.connect(signer) as Contract, o.manifest, address, o.metadataURI);
  return { modelId, verifier: address, registered: true, txHash: receipt.hash };
}

