/**
 * Puts a finished phase-2 key in place: exports its verifying key, writes zkey, vkey and
 * setup.json into a staging folder beside the setup folder, then renames the folder into place.
 * Why a folder: keys are not reproducible, so two processes setting up the same circuit make
 * different keys, and per-file renames could pair one's zkey with the other's vkey.
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { loadSnarkjs } from "../snarkjs.ts";
import { snarkjsLogger, type Logger } from "../logger.ts";
import { toolVersions } from "../versions.ts";
import { isTrusted, readSetupRecord, SETUP_FORMAT, type SetupInfo, type SetupPaths } from "./record.ts";

export const hashJson = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

export type SetupFacts = Omit<SetupInfo, "format" | "vkeyHash" | "trusted" | "tools">;

/** A unique name beside `dir` for temporary files and folders. */
export const scratchName = (dir: string, what: string) => `${dir}.${what}-${process.pid}-${randomBytes(4).toString("hex")}`;

export interface InstallOptions {
  /** When set, a current setup that appeared meanwhile and passes this test is kept instead of ours. */
  keep?: (existing: SetupInfo) => boolean;
}

export async function installSetup(paths: SetupPaths, finalZkey: string, facts: SetupFacts, log: Logger, o: InstallOptions = {}): Promise<SetupInfo> {
  const vkey = await (await loadSnarkjs()).zKey.exportVerificationKey(finalZkey, snarkjsLogger(log));
  const info: SetupInfo = {
    format: SETUP_FORMAT,
    ...facts,
    vkeyHash: hashJson(vkey),
    trusted: isTrusted(facts.ptau, facts.contributions),
    tools: toolVersions(),
  };
  const stage = scratchName(paths.dir, "stage");
  const inStage = { zkey: path.join(stage, path.basename(paths.zkeyPath)), vkey: path.join(stage, path.basename(paths.vkeyPath)), info: path.join(stage, path.basename(paths.infoPath)) };
  const old = scratchName(paths.dir, "old");
  try {
    mkdirSync(stage, { recursive: true });
    writeFileSync(inStage.vkey, JSON.stringify(vkey, null, 1));
    renameSync(finalZkey, inStage.zkey);
    writeFileSync(inStage.info, JSON.stringify(info, null, 2) + "\n");
    const now = readSetupRecord(paths, facts.circuitHash);
    if (now.state === "current" && o.keep?.(now.info)) {
      log.info(`another process installed a setup in ${paths.dir} meanwhile; using it`);
      return now.info;
    }
    if (existsSync(paths.dir)) renameSync(paths.dir, old);
    renameSync(stage, paths.dir);
    return info;
  } finally {
    rmSync(stage, { recursive: true, force: true });
    rmSync(old, { recursive: true, force: true });
  }
}
