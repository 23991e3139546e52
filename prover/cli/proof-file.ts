/**
 * What `zkinfer prove` writes: the proof and its public signals, the model, and only what the
 * model's visibility makes public. A proof file is meant to be handed on (to a verifier, a
 * contract, a counterparty), so a private input never goes in it: the input appears only when
 * the model's input is public (and then it is in the public signals anyway). A hashed output
 * is given as its commitment and salt; the salts are there so their owner can open the
 * commitments.
 */
import type { Manifest } from "../model-dir.ts";
import type { DecodedSignals } from "../prove.ts";

export interface ProofFileParts {
  manifest: Manifest;
  x: ArrayLike<number>;
  served: number[];
  decoded: DecodedSignals;
  salt?: bigint;
  inputSalt?: bigint;
  proof: unknown;
  publicSignals: string[];
}

export function proofFile(p: ProofFileParts): Record<string, unknown> {
  const vis = p.manifest.visibility;
  const file: Record<string, unknown> = { model: p.manifest.name, modelId: p.manifest.modelId, visibility: vis };
  if (vis.input === "public") file.input = Array.from(p.x);
  if (p.decoded.inputCommitment !== undefined) file.inputCommitment = p.decoded.inputCommitment.toString();
  if (p.inputSalt !== undefined) file.inputSalt = p.inputSalt.toString();
  if (p.decoded.weightsCommitment !== undefined) file.weightsCommitment = p.decoded.weightsCommitment.toString();
  if (vis.output === "hashed") {
    file.outputCommitment = p.decoded.outputCommitment?.toString();
    file.outputSalt = p.salt?.toString();
  } else {
    file.output = p.served;
  }
  file.proof = p.proof;
  file.publicSignals = p.publicSignals;
  return file;
}
