/**
 * Whether the registry's record of a served model is one this server's proofs can settle. A
 * record someone else made for the model id (a public hash of the ONNX bytes) may name the
 * verifier of another trusted setup, another layout or other weights: every settle() of this
 * server's proofs would then revert (InvalidProof, InputCommitmentMismatch, ...), after infer
 * had handed the client the output and the proof had been published; the client refunds after
 * the deadline. So a record is accepted only if its layout and weights commitment are the
 * manifest's and its verifier is this server's own: the same code as the verifier exported from
 * its zkey and compiled here, or (compiled by another solc: a record this server made before an
 * upgrade, which can never be re-registered) code that embeds every constant of its verifying
 * key. Otherwise the model takes no paid requests.
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

/** Every number of a snarkjs Groth16 verifying key (alpha, beta, gamma, delta, the IC points). */
function vkeyNumbers(vkey: Record<string, unknown>): bigint[] {
  const flat = (v: unknown): unknown[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
  const pts = [vkey.vk_alpha_1, vkey.vk_beta_2, vkey.vk_gamma_2, vkey.vk_delta_2, vkey.IC].map(flat).flat();
  // Projective points end in z = 1 (or 0 / [1, 0] for G2), which the verifier does not hold.
  return pts.map((x) => BigInt(String(x))).filter((x) => x > 1n);
}

/** True when `code` (hex) holds every number of `vkey` as an immediate (solc pushes each constant in its shortest form). */
export function embedsVerifyingKey(code: string, vkey: Record<string, unknown>): boolean {
  const hex = code.toLowerCase();
  return vkeyNumbers(vkey).every((x) => {
    const h = x.toString(16);
    const bytes = h.length % 2 ? `0${h}` : h;
    const push = (0x5f + bytes.length / 2).toString(16);
    return hex.includes(`${push}${bytes}`);
  });
}

/** Why the registry's record of `manifest`'s model cannot settle this server's proofs; undefined when it can. */
export async function registrationMismatch(registry: Contract, provider: Provider, manifest: Manifest, zkeyPath: string, vkey: Record<string, unknown>): Promise<string | undefined> {
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
  if (String(rec.verifierCodeHash).toLowerCase() !== own && !embedsVerifyingKey(await provider.getCode(rec.verifier), vkey)) {
    return `${where} with verifier ${rec.verifier} (code hash ${rec.verifierCodeHash}), which is not this server's verifier (code hash ${own}, from its zkey) and lacks constants of its verifying key: another setup's verifier rejects this server's proofs`;
  }
  return undefined;
}
