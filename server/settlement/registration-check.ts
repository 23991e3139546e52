/**
 * Whether the registry's record of a served model is one this server's proofs can settle. A
 * record someone else made for the model id (a public hash of the ONNX bytes) may name the
 * verifier of another trusted setup, another layout or other weights: every settle() of this
 * server's proofs would then revert (InvalidProof, InputCommitmentMismatch, ...), after infer
 * had handed the client the output and the proof had been published; the client refunds after
 * the deadline. So a record is accepted only if its verifier's code is the code of this
 * server's own verifier (exported from its zkey, compiled, code hash compared), and its
 * layout and weights commitment are the manifest's; otherwise the model takes no paid requests.
 */
import { keccak256, type Contract, type Provider } from "ethers";
import { exportGroth16Verifier } from "../../verifier-contracts/groth16-verifier.ts";
import { registrationFromManifest } from "../../verifier-contracts/registration.ts";
import { compileSolidity } from "../../verifier-contracts/solc.ts";

type Manifest = Parameters<typeof registrationFromManifest>[0];

/** zkey path → code hash of its verifier (export and compile take seconds: once per process). */
const ownCodeHash = new Map<string, Promise<string>>();

async function verifierCodeHash(provider: Provider, zkeyPath: string): Promise<string> {
  let h = ownCodeHash.get(zkeyPath);
  if (!h) {
    h = (async () => {
      const compiled = compileSolidity({ "Groth16Verifier.sol": await exportGroth16Verifier(zkeyPath) })["Groth16Verifier"]!;
      // Running the creation code without a target returns the runtime code it would deploy.
      return keccak256(await provider.call({ data: compiled.bytecode }));
    })();
    ownCodeHash.set(zkeyPath, h);
    h.catch(() => ownCodeHash.delete(zkeyPath));
  }
  return h;
}

/** Why the registry's record of `manifest`'s model cannot settle this server's proofs; undefined when it can. */
export async function registrationMismatch(registry: Contract, provider: Provider, manifest: Manifest, zkeyPath: string): Promise<string | undefined> {
  const want = registrationFromManifest(manifest);
  const rec = await registry.getFunction("model")(want.modelId);
  const where = `registry ${await registry.getAddress()} has model ${manifest.name} (${want.modelId})`;
  const fields = ["nPublic", "commitmentIndex", "weightsIndex", "outputOffset", "outputCount", "nonceIndex", "visibility"] as const;
  for (const f of fields) {
    if (Number(rec[f]) !== want[f]) return `${where} with ${f} ${Number(rec[f])}, but this server's manifest has ${want[f]}: its proofs would not settle`;
  }
  const weights = BigInt(await registry.getFunction("weightsCommitment")(want.modelId));
  if (weights !== want.weightsCommitment) return `${where} with weights commitment ${weights}, but this server's manifest has ${want.weightsCommitment}: its proofs would not settle`;
  const own = await verifierCodeHash(provider, zkeyPath);
  if (String(rec.verifierCodeHash).toLowerCase() !== own) {
    return `${where} with verifier ${rec.verifier} (code hash ${rec.verifierCodeHash}), which is not this server's verifier (code hash ${own}, from its zkey): another setup's verifier rejects this server's proofs`;
  }
  return undefined;
}
