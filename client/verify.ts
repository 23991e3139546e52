/**
 * verifyLocally: checks a proof in the client, trusting neither the gateway's verdict nor its
 * record. Besides snarkjs' pairing check against the model's verifying key, every commitment a
 * proof binds is compared with the value it should have (a valid proof of other weights, of
 * another input or with other outputs is not a proof of what the record claims), and the
 * verifying key itself with the hash on the model's card.
 */
import { sha256, toUtf8Bytes } from "ethers";
import { BN254_R, fromField } from "../prover/field.ts";
import { ZkinferClientError } from "./errors.ts";
import { groth16 } from "./snarkjs.ts";
import type { Groth16Proof } from "../prover/snarkjs.ts";
import type { LocalVerdict, ModelInfo, ProofRecord, VerifyCheck } from "./types.ts";

/** A job record from the gateway, or a bare proof with its public signals. */
export type ProofInput = Pick<ProofRecord, "proof" | "publicSignals"> & Partial<Pick<ProofRecord, "modelId" | "output" | "inputCommitment" | "nonce">>;

type Card = Pick<ModelInfo, "id" | "name" | "vkeyHash" | "publicSignals" | "visibility" | "weightsCommitment" | "trusted">;

/** sha256 of the verifying key's JSON text, as the server's setup records it (hex, no 0x). */
export const vkeyHashOf = (vkey: unknown) => sha256(toUtf8Bytes(JSON.stringify(vkey))).slice(2);

export async function verifyProof(p: ProofInput, model: Card, vkey: unknown): Promise<LocalVerdict> {
  if (!p || typeof p !== "object" || !p.proof || !Array.isArray(p.publicSignals)) {
    throw new ZkinferClientError("INVALID_ARGUMENT", "proof: expected a proved job record or { proof, publicSignals } (a record that is not proved has neither)", "proof");
  }
  const signals = p.publicSignals;
  signals.forEach((s, i) => {
    if (typeof s !== "string" || !/^\d{1,78}$/.test(s) || BigInt(s) >= BN254_R) {
      throw new ZkinferClientError("INVALID_ARGUMENT", `publicSignals[${i}]: expected a decimal field element below BN254 r, got ${JSON.stringify(s)?.slice(0, 90)}`, `publicSignals[${i}]`);
    }
  });
  const checks: VerifyCheck[] = [];
  const check = (name: VerifyCheck["name"], ok: boolean, detail: string) => checks.push({ name, ok, detail });
  const layout = model.publicSignals;
  const at = (name: string) => (layout.indexOf(name) >= 0 ? signals[layout.indexOf(name)] : undefined);

  const hash = vkeyHashOf(vkey);
  check("vkeyHash", hash === model.vkeyHash, `verifying key sha256 ${hash}, card of ${model.name} says ${model.vkeyHash}`);
  if (p.modelId !== undefined) check("modelId", p.modelId === model.id, `record is for model ${p.modelId}, card is ${model.name} (${model.id})`);
  check("signals", signals.length === layout.length, `${signals.length} public signals, ${model.name}'s layout has ${layout.length}`);
  if (model.visibility.weights === "hashed") {
    check("weightsCommitment", model.weightsCommitment !== undefined && at("weightsCommitment") === model.weightsCommitment, `proof's weightsCommitment ${at("weightsCommitment")}, card's ${model.weightsCommitment}`);
  }
  if (p.inputCommitment !== undefined) check("inputCommitment", at("inputCommitment") === p.inputCommitment, `proof's inputCommitment ${at("inputCommitment")}, record's ${p.inputCommitment}`);
  const outIdx = layout.flatMap((n, i) => (/^out\[\d+\]$/.test(n) ? [i] : []));
  if (p.output !== undefined && p.output.length > 0) {
    const proven = outIdx.map((i) => (signals[i] === undefined ? "?" : String(fromField(signals[i]!))));
    check("output", proven.join() === p.output.map(String).join(), `proof's outputs [${proven.join(", ")}], record's [${p.output.join(", ")}]`);
  }
  if (p.nonce !== undefined) check("nonce", at("nonce") === p.nonce, `proof's nonce ${at("nonce")}, record's ${p.nonce}`);
  // The pairing check last; snarkjs throws rather than answers on some malformed proofs and keys.
  let ok = false;
  let why = "";
  try {
    ok = await groth16.verify(vkey, signals, p.proof as Groth16Proof);
  } catch (e) {
    why = `: ${(e as Error).message}`;
  }
  check("groth16", ok, ok ? "the verifying key accepts the proof" : `the verifying key rejects the proof${why}`);
  const failed = checks.find((c) => !c.ok);
  return { valid: !failed, checks, ...(failed ? { reason: `${failed.name}: ${failed.detail}` } : {}), trusted: model.trusted };
}
