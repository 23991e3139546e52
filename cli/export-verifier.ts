/** `zkinfer export-verifier`: the model's Solidity Groth16 verifier. */
import { writeFileSync } from "node:fs";
import { openModelDir } from "../prover/model-dir.ts";
import { exportGroth16Verifier } from "../verifier-contracts/groth16-verifier.ts";
import { progress, type Command } from "./args.ts";
import { currentSetup } from "../prover/prepare-model.ts";

export const exportVerifier: Command = {
  name: "export-verifier",
  usage: `usage: zkinfer export-verifier <model> [--out <Verifier.sol>]

  --out  write there (default: stdout)`,
  options: { out: { type: "string" } },
  async run([model], v) {
    const m = openModelDir(model ?? "");
    const sol = await exportGroth16Verifier(currentSetup(m).zkeyPath);
    if (v.out) {
      writeFileSync(v.out as string, sol);
      progress.info(`wrote ${v.out}`);
    } else process.stdout.write(sol);
    return 0;
  },
};
