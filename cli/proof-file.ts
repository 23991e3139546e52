/**
 * What `zkinfer prove` writes. The proof file is meant to be handed on (to a verifier, a
 * contract, a counterparty): the proof and its public signals, the model, and only what the
 * model's visibility makes public. A private input never goes in it (the input appears only
 * when the model's input is public, and then it is in the public signals anyway), and neither
 * do the salts: with a salt anyone holding the file could confirm a guessed input or output
 * against its commitment. The salts (and a hashed output's values) go to the opening file,
 * which stays with whoever proved.
 */
import type { Manifest } from "../prover/model-dir.ts";
import type { DecodedSignals } from "../prover/prove.ts";

export interface ProofFileParts {
  manifest: Manifest;
  x: ArrayLike<number>;
  served: number[];
  decoded: DecodedSignals;
  proof: unknown;
  publicSignals: string[];
}

export function proofFile(p: ProofFileParts): Record<string, unknown> {
  const vis = p.manifest.visibility;
  const file: Record<string, unknown> = { model: p.manifest.name, modelId: p.manifest.modelId, visibility: vis };
  if (vis.input === "public") file.input = Array.from(p.x);
  if (p.decoded.inputCommitment !== undefined) file.inputCommitment = p.decoded.inputCommitment.toString();
  if (p.decoded.weightsCommitment !== undefined) file.weightsCommitment = p.decoded.weightsCommitment.toString();
  if (vis.output === "hashed") file.outputCommitment = p.decoded.outputCommitment?.toString();
  else file.output = p.served;
  // Public like the signals it repeats: the verifier compares it with the nonce it expects.
  if (p.decoded.nonce !== undefined) file.nonce = p.decoded.nonce.toString();
  file.proof = p.proof;
  file.publicSignals = p.publicSignals;
  return file;
}

export interface OpeningParts {
  manifest: Manifest;
  served: number[];
  decoded: DecodedSignals;
  salt?: bigint;
  inputSalt?: bigint;
}

/**
 * The opening of a proof's salted commitments: inputSalt opens inputCommitment (with the input,
 * which its owner has), outputSalt and output open outputCommitment. Private to the prover.
 */
export function openingFile(p: OpeningParts): Record<string, unknown> {
  const file: Record<string, unknown> = { model: p.manifest.name, modelId: p.manifest.modelId };
  if (p.inputSalt !== undefined) {
    file.inputCommitment = p.decoded.inputCommitment?.toString();
    file.inputSalt = p.inputSalt.toString();
  }
  if (p.salt !== undefined) {
    file.outputCommitment = p.decoded.outputCommitment?.toString();
    file.outputSalt = p.salt.toString();
    file.output = p.served;
  }
  return file;
}
