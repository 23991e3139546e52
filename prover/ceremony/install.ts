/**
 * Puts a finished phase-2 key in place: exports its verifying key, then renames zkey, vkey and
 * setup.json into the circuit's setup folder, record last, so a reader that finds a current
 * setup.json finds the files it describes (and a concurrent setup never exposes half a file).
 */
import { createHash } from "node:crypto";
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { loadSnarkjs } from "../snarkjs.ts";
import { snarkjsLogger, type Logger } from "../logger.ts";
import { toolVersions } from "../versions.ts";
import { isTrusted, writeSetupRecord, SETUP_FORMAT, type SetupInfo, type SetupPaths } from "./record.ts";

export const hashJson = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

export type SetupFacts = Omit<SetupInfo, "format" | "vkeyHash" | "trusted" | "tools">;

export async function installSetup(paths: SetupPaths, finalZkey: string, facts: SetupFacts, tmp: string, log: Logger): Promise<SetupInfo> {
  const snarkjs = await loadSnarkjs();
  const vkey = await snarkjs.zKey.exportVerificationKey(finalZkey, snarkjsLogger(log));
  const info: SetupInfo = {
    format: SETUP_FORMAT,
    ...facts,
    vkeyHash: hashJson(vkey),
    trusted: isTrusted(facts.ptau, facts.contributions),
    tools: toolVersions(),
  };
  mkdirSync(paths.dir, { recursive: true });
  writeFileSync(`${tmp}.vkey`, JSON.stringify(vkey, null, 1));
  renameSync(`${tmp}.vkey`, paths.vkeyPath);
  renameSync(finalZkey, paths.zkeyPath);
  writeSetupRecord(paths, info, `${tmp}.json`);
  return info;
}
