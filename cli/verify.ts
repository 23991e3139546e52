/**
 * `zkinfer verify`: checks a proof file against a model's verifying key and the commitments its
 * manifest records (hashed weights), then the file's own fields (output, commitments, model)
 * against the proven public signals. Prints "valid" (exit 0, the decoded public values on
 * stderr) or "INVALID: <reason>" (exit 1).
 */
import { readFileSync } from "node:fs";
import { openModelDir } from "../prover/model-dir.ts";
import { verifyGroth16, decodePublicSignals, type DecodedSignals } from "../prover/prove.ts";
import { modelCommitmentMismatch } from "../prover/model-commitments.ts";
import { needFile, progress, UsageError, type Command } from "./args.ts";
import { proofFileMismatch, describeSignals } from "../prover/proof-check.ts";
import { currentSetup } from "../prover/prepare-model.ts";
import { hasNonce, parseNonce } from "../prover/inputs.ts";

function readJson(what: string, p: string): Record<string, unknown> {
  try {
    return JSON.parse(readFileSync(p, "utf8")) as Record<string, unknown>;
  } catch (e) {
    throw new UsageError(`${what}: ${p} is not valid JSON (${(e as Error).message})`);
  }
}

export const verify: Command = {
  name: "verify",
  usage: `usage: zkinfer verify <model> --proof <proof.json> [--vkey <vkey.json>] [--nonce <uint>]

  --proof  a file written by zkinfer prove (needs "proof" and "publicSignals"); every other
           field it has (model, modelId, output, input, commitments) must match the proof
  --vkey   verifying key (default: the model's setup)
  --nonce  models compiled with --nonce: the nonce the proof must carry (e.g. the time the
           verifier asked for); without it, a "nonce" field in the file is still checked

  On valid, the proven public values (output or its commitment, ...) are printed on stderr.`,
  options: { proof: { type: "string" }, vkey: { type: "string" }, nonce: { type: "string" } },
  async run([model], v) {
    const proofFile = readJson("--proof", needFile("--proof", v.proof as string | undefined));
    if (!model) throw new UsageError("missing <model>: its manifest says which commitments (weights) a proof of it must carry");
    const m = openModelDir(model);
    const vkeyPath = v.vkey ? needFile("--vkey", v.vkey as string) : currentSetup(m).vkeyPath;
    if (!proofFile.proof || !Array.isArray(proofFile.publicSignals)) throw new UsageError(`--proof: ${v.proof} lacks "proof" or "publicSignals"`);
    const signals = proofFile.publicSignals as string[];
    const expectedNonce = expectedNonceOption(m.manifest, v.nonce as string | undefined);
    // The key alone proves "some weights"; the model's recorded commitments say which.
    let reason = modelCommitmentMismatch(m.manifest, signals);
    let decoded: DecodedSignals | undefined;
    if (!reason) {
      try {
        decoded = decodePublicSignals(signals, m.manifest.publicSignals);
      } catch (e) {
        reason = `publicSignals: ${(e as Error).message}`;
      }
    }
    if (!reason) {
      const vkey = readJson(v.vkey ? "--vkey" : "<model>'s setup", vkeyPath);
      if (vkey.protocol !== "groth16" || !Array.isArray(vkey.IC) || vkey.IC.length !== signals.length + 1) {
        throw new UsageError(`${v.vkey ? "--vkey" : "<model>"}: ${vkeyPath} is not a Groth16 verifying key for ${signals.length} public signals`);
      }
      // A proof snarkjs cannot even read is an invalid proof (exit 1), not a crash (exit 3).
      const ok = await verifyGroth16(vkey, signals, proofFile.proof as never).catch((e: Error) => `the proof is malformed (${e.message.split("\n")[0]})`);
      reason = ok === true ? undefined : ok === false ? "the Groth16 proof does not verify against the verifying key" : ok;
    }
    // The proof is what it is; the fields people read must say the same.
    reason ??= proofFileMismatch(m.manifest, proofFile, decoded!);
    if (!reason && expectedNonce !== undefined && decoded!.nonce !== expectedNonce) reason = `nonce: the proof carries ${decoded!.nonce}, not the expected ${expectedNonce} (--nonce)`;
    process.stdout.write(reason ? `INVALID: ${reason}\n` : "valid\n");
    if (!reason) for (const line of describeSignals(m.manifest, decoded!)) progress.info(line);
    return reason ? 1 : 0;
  },
};

function expectedNonceOption(manifest: { name: string; publicSignals: string[] }, given: string | undefined): bigint | undefined {
  if (given === undefined) return undefined;
  if (!hasNonce(manifest)) throw new UsageError(`--nonce: model ${manifest.name}'s circuit has no nonce input, so no proof of it carries one`);
  try {
    return parseNonce(given, "--nonce");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
