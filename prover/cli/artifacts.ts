/** Finding a model's setup outputs for prove/verify/export-verifier, with a clear error if missing. */
import { existsSync } from "node:fs";
import path from "node:path";
import type { ModelDir } from "../model-dir.ts";
import { UsageError } from "./args.ts";

export function setupFiles(m: ModelDir) {
  const dir = path.join(m.buildDir, "setup", m.manifest.circuit.hash.slice(0, 16));
  const files = { zkey: path.join(dir, "circuit.zkey"), vkey: path.join(dir, "vkey.json") };
  if (!existsSync(files.zkey)) throw new UsageError(`model ${m.manifest.name}: no setup for circuit ${m.manifest.circuit.hash.slice(0, 12)}; run: zkinfer setup ${m.manifest.name}`);
  return files;
}
