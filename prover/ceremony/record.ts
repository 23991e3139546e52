/**
 * The setup record (setup.json beside circuit.zkey and vkey.json in build/setup/<circuit hash>/):
 * where the powers of tau came from, every phase-2 contribution's hash, the final beacon, the
 * verifying-key hash, and whether the key is trusted. It lives with the setup, not in the
 * committed manifest: a key made with secret randomness cannot be reproduced elsewhere.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { HERMEZ_CEREMONY_FILES } from "../ptau/ceremony-hashes.ts";

/**
 * Bumped whenever a setup made by an older zkinfer must not be reused. Format 2: every key has
 * at least one secret contribution before the public beacon (format 1 setups had only the beacon,
 * so their delta is public and any statement can be forged).
 */
export const SETUP_FORMAT = 2;

export interface Contribution {
  /** The name the contributor gave (may be empty). */
  name: string;
  /** blake2b-512 of the contribution's public key (hex), as `snarkjs zkey verify` prints it. */
  hash: string;
  /** "contribution": from (claimed) secret randomness; "beacon": public, anyone can recompute it. */
  kind: "contribution" | "beacon";
  beacon?: { hash: string; iterationsExp: number };
}

export interface SetupInfo {
  format: number;
  circuitHash: string;
  constraints: number;
  power: number;
  /**
   * "file": a ceremony file whose blake2b was checked (`published`: that hash is in the published
   * list; otherwise it was the caller's own --ptau-hash, which proves integrity, not secrecy);
   * "dev": the INSECURE development generator.
   */
  ptau: { kind: "dev" | "file"; file: string; blake2b?: string; published?: boolean; insecure: boolean };
  /** "setup": one local secret contribution (zkinfer setup); "ceremony": zkinfer ceremony finalize. */
  phase2: "setup" | "ceremony";
  contributions: Contribution[];
  beacon?: { hash: string; iterationsExp: number };
  vkeyHash: string;
  trusted: boolean;
  tools: Record<string, string>;
}

/** What the service, the API and `zkinfer deploy` show of a setup. */
export interface SetupSummary {
  /** "ceremony": a published ceremony file; "custom": a file checked against the caller's own hash. */
  ptau: "dev" | "ceremony" | "custom";
  phase2: "setup" | "ceremony";
  contributions: Contribution[];
  vkeyHash: string;
}

/** A blake2b-512 (hex) of a published ceremony powers of tau (the Hermez files). */
export const isPublishedPtauHash = (blake2b: string | undefined): boolean =>
  blake2b !== undefined && HERMEZ_CEREMONY_FILES.some((f) => f.blake2b === blake2b.toLowerCase());

/**
 * A key is trusted when nobody can know its trapdoor from public data: the powers of tau is a
 * published ceremony file (its blake2b in the published list; a file matching only a hash the
 * caller chose may have been made with known entropy, and the development generator's tau is
 * public), and phase 2 has at least one contribution that is not a public beacon. Any stored
 * `trusted` or `published` flag is ignored: this is recomputed from the hash every time. The
 * facts themselves are only as good as their source: `zkinfer deploy` takes them from a
 * verified transcript and the ptau file it hashed, not from setup.json.
 */
export function isTrusted(ptau: SetupInfo["ptau"], contributions: Contribution[]): boolean {
  return ptau.kind === "file" && !ptau.insecure && isPublishedPtauHash(ptau.blake2b) && contributions.some((c) => c.kind === "contribution");
}

export const summarize = (s: SetupInfo): SetupSummary => ({
  ptau: s.ptau.kind === "dev" ? "dev" : isPublishedPtauHash(s.ptau.blake2b) ? "ceremony" : "custom",
  phase2: s.phase2,
  contributions: s.contributions,
  vkeyHash: s.vkeyHash,
});

export interface SetupPaths {
  dir: string;
  zkeyPath: string;
  vkeyPath: string;
  infoPath: string;
}

/** The setup folder of a circuit: <setupDir>/<first 16 hex digits of its sha256>. */
export function setupPaths(setupDir: string, circuitHash: string): SetupPaths {
  const dir = path.join(setupDir, circuitHash.slice(0, 16));
  return { dir, zkeyPath: path.join(dir, "circuit.zkey"), vkeyPath: path.join(dir, "vkey.json"), infoPath: path.join(dir, "setup.json") };
}

export type RecordState = { state: "missing" } | { state: "stale"; why: string } | { state: "current"; info: SetupInfo };

/** The record in a setup folder, if it is complete and of the current format. */
export function readSetupRecord(p: SetupPaths, circuitHash: string): RecordState {
  if (!existsSync(p.infoPath) || !existsSync(p.zkeyPath) || !existsSync(p.vkeyPath)) return { state: "missing" };
  let info: SetupInfo;
  try {
    info = JSON.parse(readFileSync(p.infoPath, "utf8")) as SetupInfo;
  } catch (e) {
    return { state: "stale", why: `${p.infoPath} is not valid JSON (${(e as Error).message})` };
  }
  if (info.format !== SETUP_FORMAT) {
    return { state: "stale", why: `${p.infoPath} is setup format ${info.format ?? 1}, made before phase 2 had a secret contribution: its key is forgeable` };
  }
  if (info.circuitHash !== circuitHash) return { state: "stale", why: `${p.infoPath} is for circuit ${String(info.circuitHash).slice(0, 12)}` };
  return { state: "current", info };
}
