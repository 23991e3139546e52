/** `zkinfer setup`: Groth16 setup of a compiled model, keyed by its circuit hash. */
import { devPtau, summarize } from "../prover/setup.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { prepareModel } from "../prover/prepare-model.ts";
import { needFile, progress, type Command } from "./args.ts";

export const setup: Command = {
  name: "setup",
  usage: `usage: zkinfer setup <model> [--ptau <file> [--ptau-hash <blake2b hex>]] [--dev-ptau-dir <dir>]

  <model> is a folder with a manifest.json, or a name under models/.
  Without --ptau a DEVELOPMENT ONLY powers of tau with known toxic waste is generated
  (cached in --dev-ptau-dir, default <data dir>/ptau: build/ptau in a clone, see docs/data-dir.md). --ptau takes a Hermez ceremony file
  (powersOfTau28_hez_final_NN.ptau), refused unless its blake2b hash is the published one;
  with --ptau-hash a file of your own is accepted if it matches, but its keys are never trusted.
  Phase 2 gets one contribution from fresh secret randomness (never stored), then a public
  beacon; the record (contribution hashes, trusted or not) is build/setup/<hash>/setup.json.
  A cached setup is reused (for --ptau only if made from a file with the same blake2b); one made
  by an older zkinfer (beacon only: forgeable) is rebuilt.`,
  options: { ptau: { type: "string" }, "ptau-hash": { type: "string" }, "dev-ptau-dir": { type: "string" } },
  async run([model], v) {
    const m = openModelDir(model ?? "");
    const ptau = v.ptau
      ? { kind: "file" as const, path: needFile("--ptau", v.ptau as string), expectedHash: v["ptau-hash"] as string | undefined }
      : devPtau(v["dev-ptau-dir"] as string | undefined);
    const { setup: s } = await prepareModel(m, { ptau, log: progress });
    if (!s.trusted) progress.info(`the key is untrusted: ${s.ptau.kind === "dev" ? "development powers of tau (INSECURE)" : "not a published ceremony powers of tau"}; for a deployment run zkinfer ceremony (docs/trusted-setup.md)`);
    process.stdout.write(`${JSON.stringify({ zkey: s.zkeyPath, vkey: s.vkeyPath, vkeyHash: s.vkeyHash, cached: s.cached, insecure: s.ptau.insecure, trusted: s.trusted, setup: summarize(s) })}\n`);
    return 0;
  },
};
