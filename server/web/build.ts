/**
 * Builds the web console (web/) with esbuild into the data directory, once per set of sources:
 * web/<key>/ holds app.js, style.css and index.html, where key is the sha256 over every input
 * file esbuild read (the page's modules, the client, snarkjs, ethers, circomlibjs...), this file
 * (its options) and the esbuild version. current.json names the last build and its inputs' hashes, so a second start
 * rehashes those files (a few MB, well under a second) and serves the same build without
 * running esbuild. Nothing is fetched at run time: the bundle carries snarkjs and the client,
 * the page loads no font or script from elsewhere.
 */
import { build, version as esbuildVersion } from "esbuild";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../../prover/paths.ts";

export const WEB_DIR = path.join(PACKAGE_ROOT, "web");
/** Copied as they are: the page and its one style sheet. */
const STATIC = ["index.html", "style.css"];

/** This file: its esbuild options are part of what a build depends on. */
const BUILD_SELF = path.relative(PACKAGE_ROOT, fileURLToPath(import.meta.url));

export interface WebAssets {
  dir: string;
  key: string;
  /** Whether this call ran esbuild (false: the cached build matched every input). */
  built: boolean;
}

interface CurrentBuild {
  key: string;
  esbuild: string;
  /** Input path (relative to the package root) -> sha256 of its contents. */
  inputs: Record<string, string>;
}

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

function keyOf(inputs: Record<string, string>): string {
  const lines = Object.keys(inputs).sort().map((f) => `${f} ${inputs[f]}`);
  return sha256(`esbuild ${esbuildVersion}\n${lines.join("\n")}`);
}

function hashInputs(files: string[]): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const f of files) {
    const abs = path.join(PACKAGE_ROOT, f);
    if (!existsSync(abs)) return undefined;
    out[f] = sha256(readFileSync(abs));
  }
  return out;
}

/** The cached build when every input still hashes the same, else undefined. */
function cached(cacheDir: string): WebAssets | undefined {
  const file = path.join(cacheDir, "current.json");
  if (!existsSync(file)) return undefined;
  let current: CurrentBuild;
  try {
    current = JSON.parse(readFileSync(file, "utf8")) as CurrentBuild;
  } catch {
    return undefined; // a torn or foreign file: rebuild
  }
  if (current.esbuild !== esbuildVersion || !(BUILD_SELF in (current.inputs ?? {}))) return undefined;
  const now = hashInputs(Object.keys(current.inputs ?? {}));
  if (!now || keyOf(now) !== current.key) return undefined;
  const dir = path.join(cacheDir, current.key);
  if (![...STATIC, "app.js"].every((f) => existsSync(path.join(dir, f)))) return undefined;
  return { dir, key: current.key, built: false };
}

/** Runs esbuild over web/src/main.ts; writes web/<key>/ atomically (a temp dir renamed). */
async function fresh(cacheDir: string): Promise<WebAssets> {
  const r = await build({
    entryPoints: [path.join(WEB_DIR, "src", "main.ts")],
    absWorkingDir: PACKAGE_ROOT,
    bundle: true, platform: "browser", format: "esm", target: "es2022", minify: true, write: false, metafile: true, logLevel: "silent",
    // circomlibjs' single entry loads modules the page never calls (EdDSA, the reference Poseidon)
    // that import Node's assert and events: small browser versions of those two (docs/client.md).
    alias: { assert: path.join(WEB_DIR, "shims", "assert.js"), events: path.join(WEB_DIR, "shims", "events.js") },
    // blake-hash (same EdDSA path) uses Node's global Buffer when loaded.
    inject: [path.join(WEB_DIR, "shims", "buffer-global.js")],
    // The client is taken from its TypeScript sources, as the package's "browser" condition says.
    conditions: ["browser"],
  });
  // esbuild names modules a package maps to nothing ("(disabled):…"): no file to hash.
  const files = [...Object.keys(r.metafile.inputs).filter((f) => !f.includes(":")), ...STATIC.map((f) => path.join("web", f)), BUILD_SELF];
  const inputs = hashInputs(files);
  if (!inputs) throw new Error("web console: an input file vanished during the build");
  const key = keyOf(inputs);
  const dir = path.join(cacheDir, key);
  if (!existsSync(dir)) {
    const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
    mkdirSync(tmp, { recursive: true });
    writeFileSync(path.join(tmp, "app.js"), r.outputFiles[0]!.contents);
    for (const f of STATIC) writeFileSync(path.join(tmp, f), readFileSync(path.join(WEB_DIR, f)));
    try {
      renameSync(tmp, dir);
    } catch (e) {
      rmSync(tmp, { recursive: true, force: true });
      if (!existsSync(dir)) throw e; // another process won the race with the same key: fine
    }
  }
  const current: CurrentBuild = { key, esbuild: esbuildVersion, inputs };
  const tmpCurrent = path.join(cacheDir, `current.json.tmp-${process.pid}`);
  writeFileSync(tmpCurrent, JSON.stringify(current));
  renameSync(tmpCurrent, path.join(cacheDir, "current.json"));
  return { dir, key, built: true };
}

/** The web console's built assets under cacheDir: the cached build, or a fresh one. */
export async function buildWebConsole(cacheDir: string): Promise<WebAssets> {
  mkdirSync(cacheDir, { recursive: true });
  return cached(cacheDir) ?? fresh(cacheDir);
}
