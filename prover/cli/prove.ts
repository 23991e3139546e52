/** `zkinfer prove`: output of the integer model on one input, with its Groth16 proof. */
import { readFileSync, writeFileSync } from "node:fs";
import { readOnnx } from "../onnx/proto.ts";
import { circuitInputs } from "../inputs.ts";
import { freshSalt, parseSalt } from "../commitment.ts";
import { openModelDir, buildModelCircuit } from "../model-dir.ts";
import { proveGroth16, decodePublicSignals } from "../prove.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { ProverError } from "../errors.ts";
import { progress, UsageError, type Command } from "./args.ts";
import { setupFiles } from "./artifacts.ts";
import { readInput } from "./input.ts";
import { proofFile } from "./proof-file.ts";

export const prove: Command = {
  name: "prove",
  summary: "run the model on an input and prove the output",
  usage: `usage: zkinfer prove <model> --input <json|file> [--float] [--input-salt <decimal>] [--out <proof.json>]

  --input       the input as a JSON array (or a file holding one): int8 values, already quantized
  --float       the input is real values: quantize with the model's input scale (round half away from zero)
  --input-salt  models with a hashed-salted input: the commitment's salt, a decimal field element
                (default: a fresh random one); the file records it so you can open the commitment
  --out         write the result there (default: stdout)

  The result holds the proof, its public signals, the model, the output (or its commitment and
  salt) and the salts; never a private input (only a model with a public input shows it).`,
  options: { input: { type: "string" }, float: { type: "boolean" }, "input-salt": { type: "string" }, out: { type: "string" } },
  async run([model], v) {
    const m = openModelDir(model ?? "");
    const x = readInput(v.input as string | undefined, m.manifest, v.float === true);
    const salted = m.manifest.visibility.input === "hashed-salted";
    if (v["input-salt"] !== undefined && !salted) throw new UsageError(`--input-salt: model ${m.manifest.name}'s input is ${m.manifest.visibility.input}, its commitment takes no salt`);
    const inputSalt = salted ? (v["input-salt"] === undefined ? freshSalt() : parseSalt(v["input-salt"], "--input-salt")) : undefined;
    const { zkey } = setupFiles(m);
    const build = await buildModelCircuit(m, progress.info);
    const onnx = readFileSync(m.onnxPath);
    const served = await runOnnx(onnx, x, m.manifest.input.shape.map((d) => (typeof d === "number" ? d : 1)));
    // A hashed output is hidden behind a fresh random salt, returned to the caller only.
    const salt = m.manifest.visibility.output === "hashed" ? freshSalt() : undefined;
    const input = circuitInputs(m.manifest, x, { graph: readOnnx(onnx), salt, inputSalt });
    progress.info("proving ...");
    const t0 = Date.now();
    const { proof, publicSignals } = await proveGroth16(zkey, build.wasm, input);
    progress.info(`proved in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    const decoded = decodePublicSignals(publicSignals, m.manifest.publicSignals);
    // The served output must be the proven one; a mismatch is a compiler bug, never shipped.
    if (decoded.output.length && decoded.output.some((o, i) => Number(o) !== served[i])) {
      throw new ProverError(`proof output [${decoded.output}] differs from onnxruntime's [${served}]`);
    }
    // A hashed output stays out of the file; whoever runs prove still sees it here.
    if (m.manifest.visibility.output === "hashed") progress.info(`output: [${served.join(", ")}]`);
    const result = proofFile({ manifest: m.manifest, x, served, decoded, salt, inputSalt, proof, publicSignals });
    const text = JSON.stringify(result, null, 1) + "\n";
    if (v.out) writeFileSync(v.out as string, text);
    else process.stdout.write(text);
    return 0;
  },
};
