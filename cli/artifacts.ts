/** Finding a model's setup outputs for prove/verify/export-verifier/deploy, with a clear error if missing or stale. */
import path from "node:path";
import type { ModelDir } from "../prover/model-dir.ts";
import { readSetupRecord, setupPaths, type SetupInfo } from "../prover/setup.ts";
import { UsageError } from "./args.ts";

export function setupFiles(m: ModelDir): { zkey: string; vkey: string; info: SetupInfo } {
  const p = setupPaths(path.join(m.buildDir, "setup"), m.manifest.circuit.hash);
  const rec = readSetupRecord(p, m.manifest.circuit.hash);
  const name = m.manifest.name;
  if (rec.state === "missing") throw new UsageError(`model ${name}: no setup for circuit ${m.manifest.circuit.hash.slice(0, 12)}; run: zkinfer setup ${name}`);
  // An old setup's key has only a public phase 2: anyone can forge its proofs, so it is never used.
  if (rec.state === "stale") throw new UsageError(`model ${name}: the setup in ${p.dir} is stale (${rec.why}); run: zkinfer setup ${name}`);
  return { zkey: p.zkeyPath, vkey: p.vkeyPath, info: rec.info };
}
