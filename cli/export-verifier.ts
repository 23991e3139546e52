/** `zkinfer export-verifier`: the model's Solidity Groth16 verifier. */
import { openModelDir } from "../prover/model-dir.ts";
import { exportGroth16Verifier } from "../verifier-contracts/groth16-verifier.ts";
import { outputTarget, progress, writeOutput, type Command } from "./args.ts";
import { currentSetup } from "../prover/prepare-model.ts";

export const exportVerifier: Command = {
  name: "export-verifier",
  usage: `usage: zkinfer export-verifier <model> [--out <Verifier.sol>]

  --out  write there (default: stdout)`,
  options: { out: { type: "string" } },
  async run([model], v) {
    if (typeof v.out === "string") outputTarget("--out", v.out);
    const m = openModelDir(model ?? "");
    const sol = await exportGroth16Verifier(currentSetup(m).zkeyPath);
    if (v.out) {
      writeOutput("--out", v.out as string, sol);
      progress.info(`wrote ${v.out}`);
    } else process.stdout.write(sol);
    return 0;
  },
};
