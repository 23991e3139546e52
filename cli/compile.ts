/** `zkinfer compile`: integer ONNX → <name>.circom, r1cs, wasm, manifest, in the model folder. */
import path from "node:path";
import { compileModelFile } from "../prover/compiler/model.ts";
import { DEFAULT_RANDOM_INPUTS, LARGE_CIRCUIT_CONSTRAINTS, MIN_DEFAULT_RANDOM_INPUTS } from "../prover/compiler/differential.ts";
import { needFile, progress, UsageError, type Command } from "./args.ts";
import { MODEL_NAME, templateNameFor } from "../prover/compiler/circuit-path.ts";

export const compile: Command = {
  name: "compile",
  usage: `usage: zkinfer compile <model.int8.onnx> [--name <name>] [--model-dir <dir>] [--weights fixed|hashed] [--input hashed|hashed-salted|public] [--output public|hashed] [--nonce] [--check-inputs <n>] [--check-seed <n>]

  Writes <model-dir>/<name>.circom, compiles it (r1cs, witness wasm) into
  <model-dir>/build/circuit, checks that the circuit computes what onnxruntime computes on the
  extreme inputs and on seeded random ones, and writes <model-dir>/manifest.json. A graph that
  fails the check is refused and nothing is written.
  --name       model name (default: the model folder's name)
  --model-dir  model folder (default: the folder of the ONNX file)
  --weights    fixed (default: constants, bound by the verifying key) | hashed (private, public commitment)
  --input      hashed (default: private, public commitment) | hashed-salted (the commitment also
               hashes a private salt, returned to the client: hides a guessable input) | public
  --output     public (default) | hashed (commitment with a private salt)
  --nonce      add a public input "nonce", the last public signal: a number the prover fixes
               and the proof binds (ProvenOracle feeds read it as the observation's unix time)
  --circuit    where to write the .circom (default: the file the folder's manifest.json names,
               else <model-dir>/<name>.circom)
  --check-inputs  random inputs of the differential check (default ${DEFAULT_RANDOM_INPUTS}, fewer past
                  ${LARGE_CIRCUIT_CONSTRAINTS} constraints, at least ${MIN_DEFAULT_RANDOM_INPUTS}; 0 = the extremes only)
  --check-seed    seed of those inputs (default: derived from the model's bytes)`,
  options: { name: { type: "string" }, "model-dir": { type: "string" }, circuit: { type: "string" }, weights: { type: "string" }, input: { type: "string" }, output: { type: "string" }, nonce: { type: "boolean" }, "check-inputs": { type: "string" }, "check-seed": { type: "string" } },
  async run([onnx], v) {
    const onnxPath = needFile("<model.int8.onnx>", onnx);
    const modelDir = path.resolve((v["model-dir"] as string | undefined) ?? path.dirname(onnxPath));
    const name = (v.name as string | undefined) ?? path.basename(modelDir);
    if (!MODEL_NAME.test(name)) throw new UsageError(`--name: "${name}" must be lower-case letters, digits and dashes`);
    const circuitPath = v.circuit ? path.resolve(v.circuit as string) : undefined;
    const choice = <T extends string>(opt: string, allowed: readonly T[], dflt: T): T => {
      const val = (v[opt] as string | undefined) ?? dflt;
      if (!allowed.includes(val as T)) throw new UsageError(`--${opt}: "${val}" is not one of ${allowed.join(", ")}`);
      return val as T;
    };
    const visibility = {
      weights: choice("weights", ["fixed", "hashed"] as const, "fixed"),
      input: choice("input", ["hashed", "hashed-salted", "public"] as const, "hashed"),
      output: choice("output", ["public", "hashed"] as const, "public"),
    };
    const count = (opt: string): number | undefined => {
      const val = v[opt] as string | undefined;
      if (val === undefined) return undefined;
      if (!/^\d+$/.test(val) || Number(val) > 2 ** 32 - 1) throw new UsageError(`--${opt}: "${val}" must be a non-negative integer below 2^32`);
      return Number(val);
    };
    const check = { randomInputs: count("check-inputs"), seed: count("check-seed") };
    const r = await compileModelFile({ name, templateName: templateNameFor(name), onnxPath, modelDir, circuitPath, visibility, nonce: v.nonce === true, check, log: progress.info });
    process.stdout.write(`${JSON.stringify({ manifest: r.manifestPath, circuit: r.circuitPath, constraints: r.constraints, circuitHash: r.circuitHash })}\n`);
    return 0;
  },
};
