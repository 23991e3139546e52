/** `zkinfer prove`: output of the integer model on one input, with its Groth16 proof. */
import { readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { readOnnx } from "../onnx/proto.ts";
import { circuitInputs } from "../inputs.ts";
import { BN254_R } from "../field.ts";
import { openModelDir, buildModelCircuit } from "../model-dir.ts";
import { proveGroth16, decodePublicSignals } from "../prove.ts";
import { runOnnx } from "../onnx/runtime.ts";
import { ProverError } from "../errors.ts";
import { progress, type Command } from "./args.ts";
import { setupFiles } from "./artifacts.ts";
import { readInput } from "./input.ts";

export const prove: Command = {
  name: "prove",
  summary: "run the model on an input and prove the output",
  usage: `usage: zkinfer prove <model> --input <json|file> [--float] [--out <proof.json>]

  --input  the input as a JSON array (or a file holding one): int8 values, already quantized
  --float  the input is real values: quantize with the model's input scale (round half away from zero)
  --out    write the result there (default: stdout)`,
  options: { input: { type: "string" }, float: { type: "boolean" }, out: { type: "string" } },
  async run([model], v) {
    const m = openModelDir(model ?? "");
    const x = readInput(v.input as string | undefined, m.manifest, v.float === true);
    const { zkey } = setupFiles(m);
    const build = await buildModelCircuit(m, progress.info);
    const onnx = readFileSync(m.onnxPath);
    const served = await runOnnx(onnx, x, m.manifest.input.shape.map((d) => (typeof d === "number" ? d : 1)));
    // A hashed output is hidden behind a fresh random salt, returned to the caller only.
    const salt = m.manifest.visibility.output === "hashed" ? BigInt(`0x${randomBytes(32).toString("hex")}`) % BN254_R : undefined;
    const input = circuitInputs(m.manifest, x, { graph: readOnnx(onnx), salt });
    progress.info("proving ...");
    const t0 = Date.now();
    const { proof, publicSignals } = await proveGroth16(zkey, build.wasm, input);
    progress.info(`proved in ${((Date.now() - t0) / 1000).toFixed(2)} s`);
    const decoded = decodePublicSignals(publicSignals, m.manifest.publicSignals);
    // The served output must be the proven one; a mismatch is a compiler bug, never shipped.
    if (decoded.output.length && decoded.output.some((o, i) => Number(o) !== served[i])) {
      throw new ProverError(`proof output [${decoded.output}] differs from onnxruntime's [${served}]`);
    }
    const result = {
      model: m.manifest.name,
      modelId: m.manifest.modelId,
      input: Array.from(x),
      inputCommitment: decoded.inputCommitment?.toString(),
      weightsCommitment: decoded.weightsCommitment?.toString(),
      outputCommitment: decoded.outputCommitment?.toString(),
      output: served,
      salt: salt?.toString(),
      proof,
      publicSignals,
    };
    const text = JSON.stringify(result, null, 1) + "\n";
    if (v.out) writeFileSync(v.out as string, text);
    else process.stdout.write(text);
    return 0;
  },
};
