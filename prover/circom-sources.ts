/**
 * Gathers a circuit and every file it includes into one folder, laid out so that the same
 * include lines resolve there, for circom2 (circom in WebAssembly under WASI), which sees only
 * the files below its working directory. The sources may lie anywhere: in a model folder, in
 * an installed package, in a symlinked node_modules (pnpm), whose real paths are outside the
 * project.
 *
 * circom resolves `include "x"` first against the including file's folder, then against each
 * `-l` folder in order; the copy keeps that: the circuit's folder becomes `circuit/`, library
 * folder i becomes `lib<i>/`, and a file keeps its path relative to the folder it was found in.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import { ProverError } from "./errors.ts";

export interface GatheredSources {
  /** The circuit, relative to the work folder. */
  main: string;
  /** The library folders, relative to the work folder, in circom's search order (`-l`). */
  libs: string[];
  /** Each copied file: its path relative to the work folder → where it came from. */
  copied: Map<string, string>;
}

/** The include lines of a circom source, comments left out. */
export function includesOf(source: string): string[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
  return [...code.matchAll(/^\s*include\s+"([^"]+)"\s*;/gm)].map((m) => m[1]);
}

const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
/** True when rel (a relative path) stays inside the folder it is relative to. */
const inside = (rel: string) => rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);

/**
 * Copies circuitPath and, recursively, the files it includes into workDir; includes are looked
 * up beside the including file, then in libDirs in order, as circom does.
 */
export function gatherSources(circuitPath: string, libDirs: string[], workDir: string): GatheredSources {
  const roots = [{ dir: path.dirname(path.resolve(circuitPath)), slot: "circuit" }, ...libDirs.map((d, i) => ({ dir: path.resolve(d), slot: `lib${i}` }))];
  const copied = new Map<string, string>();
  // A file to copy: where it is, and its place in the work folder.
  const queue: { src: string; dest: string }[] = [{ src: path.resolve(circuitPath), dest: path.join("circuit", path.basename(circuitPath)) }];
  while (queue.length) {
    const { src, dest } = queue.shift()!;
    if (copied.has(dest)) continue;
    copied.set(dest, src);
    const target = path.join(workDir, dest);
    mkdirSync(path.dirname(target), { recursive: true });
    // The real file: a symlinked dependency is copied, not linked, since WASI cannot follow it out.
    copyFileSync(realpathSync(src), target);
    for (const inc of includesOf(readFileSync(src, "utf8"))) queue.push(resolveInclude(inc, src, dest, roots));
  }
  return { main: path.join("circuit", path.basename(circuitPath)), libs: roots.slice(1).map((r) => r.slot), copied };
}

function resolveInclude(inc: string, from: string, fromDest: string, roots: { dir: string; slot: string }[]) {
  const beside = path.join(path.dirname(from), inc);
  if (isFile(beside)) {
    const dest = path.normalize(path.join(path.dirname(fromDest), inc));
    // Inside the including file's slot, or the copy would resolve it elsewhere than circom did.
    if (!inside(path.relative(fromDest.split(path.sep)[0], dest))) {
      throw new ProverError(`${from}: include "${inc}" reaches outside the folder of its file; put the file beside it or in a library folder (${roots.slice(1).map((r) => r.dir).join(", ")})`);
    }
    return { src: beside, dest };
  }
  for (const r of roots.slice(1)) {
    const p = path.join(r.dir, inc);
    if (isFile(p) && inside(path.relative(r.dir, p))) return { src: p, dest: path.join(r.slot, path.relative(r.dir, p)) };
  }
  throw new ProverError(`${from}: include "${inc}" not found beside the file nor in ${roots.slice(1).map((r) => r.dir).join(", ")}`);
}
