/**
 * The fields of a proof file that repeat what its public signals say (output, input,
 * commitments, nonce) or name the model. The Groth16 check covers only the signals: a file whose
 * `output` was edited still carries a valid proof of the old output. People read the fields, so
 * `zkinfer verify` requires every one present to equal the decoded signals (or the manifest).
 * An absent field claims nothing; the decoded values are printed instead.
 */
import { isDeepStrictEqual } from "node:util";
import type { Manifest } from "./model-dir.ts";
import type { DecodedSignals } from "./prove.ts";

/** The single-value signals a file may repeat: the commitments and the nonce. */
const SCALARS = ["inputCommitment", "weightsCommitment", "outputCommitment", "nonce"] as const;

/** Undefined when every field present agrees; else the reason, naming the field. */
export function proofFileMismatch(manifest: Manifest, file: Record<string, unknown>, d: DecodedSignals): string | undefined {
  if ("model" in file && file.model !== manifest.name) return `model: the file says ${JSON.stringify(file.model)}, the manifest ${JSON.stringify(manifest.name)}`;
  if ("modelId" in file && file.modelId !== manifest.modelId) return `modelId: the file says ${JSON.stringify(file.modelId)}, model ${manifest.name}'s is ${manifest.modelId}`;
  if ("visibility" in file && !isDeepStrictEqual(file.visibility, manifest.visibility)) {
    return `visibility: the file says ${JSON.stringify(file.visibility)}, model ${manifest.name}'s is ${JSON.stringify(manifest.visibility)}`;
  }
  for (const name of SCALARS) {
    if (!(name in file)) continue;
    const proven = d[name];
    if (proven === undefined) return `${name}: the file has one, the proof's public signals have none`;
    if (file[name] !== proven.toString()) return `${name}: the file says ${JSON.stringify(file[name])}, the proof ${proven}`;
  }
  for (const name of ["output", "input"] as const) {
    if (!(name in file)) continue;
    const proven = d[name];
    if (!proven.length) return `${name}: the file has one, the proof's public signals carry none (model ${manifest.name}'s ${name} is ${name === "input" ? manifest.visibility.input : manifest.visibility.output})`;
    const v = file[name];
    const same = Array.isArray(v) && v.length === proven.length && v.every((e, i) => typeof e === "number" && Number.isInteger(e) && BigInt(e) === proven[i]);
    if (!same) return `${name}: the file says ${JSON.stringify(v)}, the proof [${proven.join(", ")}]`;
  }
  return undefined;
}

/** The decoded public values, for a person. */
export function describeSignals(manifest: Manifest, d: DecodedSignals): string[] {
  const lines = [`model: ${manifest.name} (${manifest.modelId})`];
  if (d.input.length) lines.push(`input: [${d.input.join(", ")}]`);
  for (const name of SCALARS) if (d[name] !== undefined) lines.push(`${name}: ${d[name]}`);
  if (d.output.length) lines.push(`output: [${d.output.join(", ")}]`);
  return lines;
}
