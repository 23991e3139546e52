/** `zkinfer prove`: output of the integer model on one input, with its Groth16 proof. */
import { readFileSync } from "node:fs";
import path from "node:path";
import { readOnnx } from "../prover/onnx/proto.ts";
import { circuitInputs, hasNonce, parseNonce, DEFAULT_NONCE } from "../prover/inputs.ts";
import { freshSalt, parseSalt } from "../prover/commitment.ts";
import { openModelDir, isCircuitOnly } from "../prover/model-dir.ts";
import { prepareModel } from "../prover/prepare-model.ts";
import { proveGroth16, decodePublicSignals } from "../prover/prove.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { ProverError } from "../prover/errors.ts";
import { proofMismatch } from "../prover/served-check.ts";
import { outputTarget, progress, UsageError, writeOutput, type Command } from "./args.ts";
import { readInput } from "./input.ts";
import { proofFile, openingFile } from "./proof-file.ts";

export const prove: Command = {
  name: "prove",
  usage: `usage: zkinfer prove <model> --input <json|file> [--float] [--input-salt <decimal>] [--nonce <uint>] [--out <proof.json>] [--opening <file>]

  --input       the input as a JSON array (or a file holding one): int8 values, already quantized
  --float       the input is real values: quantize with the model's input scale (round half away from zero)
  --input-salt  models with a hashed-salted input: the commitment's salt, a decimal field element
                (default: a fresh random one); the opening file records it
  --nonce       models compiled with --nonce: the number the proof binds, 0 <= nonce < 2^64 (for an
                oracle feed, the unix time in seconds of the observation; default ${DEFAULT_NONCE})
  --out         write the proof file there (default: stdout)
  --opening     models with a salted commitment (hashed-salted input, hashed output): write the
                salts (and a hashed output's values) there, to open the commitments; keep it,
                do not hand it on (default: <out> with .opening.json for .json; needed without --out)

  The proof file holds the proof, its public signals, the model and the output (or its
  commitment); never a private input (only a model with a public input shows it) nor a salt.`,
  options: { input: { type: "string" }, float: { type: "boolean" }, "input-salt": { type: "string" }, nonce: { type: "string" }, out: { type: "string" }, opening: { type: "string" } },
  async run([model], v) {
    const m = openModelDir(model ?? "");
    if (isCircuitOnly(m)) throw new UsageError(`<model>: ${m.manifest.name}'s manifest names no integer ONNX (files.integer), so there is no model to run and prove`);
    const x = readInput(v.input as string | undefined, m.manifest, v.float === true);
    const salted = m.manifest.visibility.input === "hashed-salted";
    if (v["input-salt"] !== undefined && !salted) throw new UsageError(`--input-salt: model ${m.manifest.name}'s input is ${m.manifest.visibility.input}, its commitment takes no salt`);
    const inputSalt = salted ? (v["input-salt"] === undefined ? freshSalt() : parseSalt(v["input-salt"], "--input-salt")) : undefined;
    const nonce = nonceOption(m.manifest, v.nonce as string | undefined);
    const hashedOutput = m.manifest.visibility.output === "hashed";
    if (v.out !== undefined) outputTarget("--out", v.out as string);
    const openingPath = openingTarget(m.manifest.name, salted || hashedOutput, v.out as string | undefined, v.opening as string | undefined);
    if (openingPath) outputTarget(v.opening ? "--opening" : "--out", openingPath);
    const { build, setup } = await prepareModel(m, { setup: "existing", log: progress });
    const onnx = readFileSync(m.onnxPath);
    const served = await runOnnx(onnx, x, m.manifest.input.shape.map((d) => (typeof d === "number" ? d : 1)));
    // A hashed output is hidden behind a fresh random salt, returned to the caller only.
    const salt = hashedOutput ? freshSalt() : undefined;
    const input = circuitInputs(m.manifest, x, { graph: readOnnx(onnx), salt, inputSalt, nonce });
    progress.info("proving ...");
    const t0 = Date.now();
    const { proof, publicSignals } = await proveGroth16(setup.zkeyPath, build.wasm, input);
    progress.info(`proved in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    const decoded = decodePublicSignals(publicSignals, m.manifest.publicSignals);
    // The served output must be the proven one; a mismatch is a bug (exit 3), never shipped.
    const why = await proofMismatch(m.manifest, { input: x, output: served, salt, inputSalt, nonce }, publicSignals);
    if (why) throw new ProverError(`model ${m.manifest.name}: the proof does not carry onnxruntime's output: ${why}`, { internal: true });
    // A hashed output stays out of the file; whoever runs prove still sees it here.
    if (hashedOutput) progress.info(`output: [${served.join(", ")}]`);
    if (openingPath) {
      // Owner-only: the salts confirm guesses of the input and output.
      writeOutput(v.opening ? "--opening" : "--out", openingPath, JSON.stringify(openingFile({ manifest: m.manifest, served, decoded, salt, inputSalt }), null, 1) + "\n", 0o600);
      progress.info(`opening (salts; keep it): ${openingPath}`);
    }
    const result = proofFile({ manifest: m.manifest, x, served, decoded, proof, publicSignals });
    const text = JSON.stringify(result, null, 1) + "\n";
    if (v.out) writeOutput("--out", v.out as string, text);
    else process.stdout.write(text);
    return 0;
  },
};

/** Where the opening file goes; checked before proving, so a refusal costs no proof. */
function openingTarget(model: string, salts: boolean, out: string | undefined, opening: string | undefined): string | undefined {
  if (!salts) {
    if (opening !== undefined) throw new UsageError(`--opening: model ${model} has no salted commitment to open`);
    return undefined;
  }
  const target = opening ?? (out === undefined ? undefined : out.endsWith(".json") ? out.slice(0, -".json".length) + ".opening.json" : out + ".opening.json");
  if (target === undefined) throw new UsageError(`--opening: model ${model}'s commitments are salted; the salts go to an opening file, not to the proof: give --out <proof.json> (opening beside it) or --opening <file>`);
  if (out !== undefined && path.resolve(target) === path.resolve(out)) throw new UsageError(`--opening: ${target} is the proof file (--out); the salts must stay out of the proof`);
  return target;
}

/** The --nonce value (refused before any work, naming the option); undefined for a model without one. */
function nonceOption(manifest: { name: string; publicSignals: string[] }, given: string | undefined): bigint | undefined {
  if (!hasNonce(manifest)) {
    if (given !== undefined) throw new UsageError(`--nonce: model ${manifest.name}'s circuit has no nonce input (compile it with --nonce)`);
    return undefined;
  }
  try {
    return given === undefined ? DEFAULT_NONCE : parseNonce(given, "--nonce");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
