/**
 * Circuit builds and their staging. A build is keyed by what it depends on (generated source,
 * circom library, compiler, flags). A new model's circuit and build are first written beside
 * their final places, checked, and only then renamed into place: a refused graph leaves the
 * previous circuit, build and manifest exactly as they were, and a new model folder empty.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, rmdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { compileCircom, circomVersion, CIRCOM_FLAGS } from "../circom.ts";
import { CIRCUIT_LIB_DIR } from "../paths.ts";

const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

/** What a build depends on: the generated source, the circom library, compiler and flags. */
export function buildHash(source: string): string {
  const lib = readFileSync(path.join(CIRCUIT_LIB_DIR, "zkinfer.circom"), "utf8");
  return sha256([source, lib, circomVersion(), CIRCOM_FLAGS.join(" ")].join("\0"));
}

/** The files of a build of circuit `name` in dir. */
export function buildFiles(dir: string, name: string) {
  return {
    r1cs: path.join(dir, `${name}.r1cs`),
    wasm: path.join(dir, `${name}_js`, `${name}.wasm`),
    sym: path.join(dir, `${name}.sym`),
    stamp: path.join(dir, "source.sha256"),
  };
}

/** Whether dir holds a complete build of a source with this hash. */
export function isFreshBuild(dir: string, name: string, sourceHash: string): boolean {
  const f = buildFiles(dir, name);
  return existsSync(f.stamp) && readFileSync(f.stamp, "utf8") === sourceHash && existsSync(f.r1cs) && existsSync(f.wasm);
}

export type Build = ReturnType<typeof buildFiles> & { sourceHash: string };

export interface StagedCircuit {
  /** The build to check (the staged one, or the unchanged one already in place). */
  build: Build;
  /** Moves circuit and build into place; returns the build at its final place. */
  commit(): Build;
  /** Removes everything staged, and the folders made for it. */
  discard(): void;
}

/** The folders among dirs (and their parents) that do not exist yet, outermost first. */
function missingDirs(dirs: string[]): string[] {
  const out: string[] = [];
  for (let d of dirs) {
    const chain: string[] = [];
    for (d = path.resolve(d); !existsSync(d) && !out.includes(d); d = path.dirname(d)) chain.unshift(d);
    out.push(...chain);
  }
  return out;
}

export async function stageCircuit(source: string, circuitPath: string, outDir: string, log: (m: string) => void = () => {}): Promise<StagedCircuit> {
  const name = path.basename(circuitPath, ".circom");
  const sourceHash = buildHash(source);
  const created = missingDirs([path.dirname(circuitPath), path.dirname(outDir)]);
  const tag = `${process.pid}-${Date.now()}`;
  // Beside the final circuit, so that includes beside it resolve as they will for the circuit in place.
  const stageDir = path.join(path.dirname(circuitPath), `.${name}.staging-${tag}`);
  const stagedCircuit = path.join(stageDir, `${name}.circom`);
  const stagedOut = `${outDir}.staging-${tag}`;
  const discard = () => {
    rmSync(stageDir, { recursive: true, force: true });
    rmSync(stagedOut, { recursive: true, force: true });
    for (const d of [...created].reverse()) {
      try {
        rmdirSync(d);
      } catch {
        // Not empty: something else was put there meanwhile; leave it.
      }
    }
  };
  const reuse = isFreshBuild(outDir, name, sourceHash);
  try {
    mkdirSync(stageDir, { recursive: true });
    writeFileSync(stagedCircuit, source);
    if (reuse) {
      log(`circuit unchanged (${sourceHash.slice(0, 12)}), not recompiled`);
    } else {
      log(`compiling ${path.relative(process.cwd(), circuitPath)} with circom (circom2 ${circomVersion()}) ...`);
      const t0 = Date.now();
      await compileCircom(stagedCircuit, stagedOut);
      writeFileSync(buildFiles(stagedOut, name).stamp, sourceHash);
      log(`compiled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    }
  } catch (e) {
    discard();
    throw e;
  }
  return {
    build: { ...buildFiles(reuse ? outDir : stagedOut, name), sourceHash },
    discard,
    commit() {
      renameSync(stagedCircuit, circuitPath);
      rmSync(stageDir, { recursive: true, force: true });
      if (!reuse) {
        rmSync(outDir, { recursive: true, force: true });
        renameSync(stagedOut, outDir);
      }
      return { ...buildFiles(outDir, name), sourceHash };
    },
  };
}
