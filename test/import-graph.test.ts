/**
 * The layering of the library, read from the import statements of every library file under
 * prover/, server/, verifier-contracts/, api/, cli/ and client/: not tests, nor the test-support files that
 * package.json's "files" keeps out of the package. A unit is a folder; a file directly in a top
 * folder (prover/errors.ts, server/gateway.ts) is its own unit, as those roots hold both the base
 * modules and the entry points. Type-only imports count: a cycle of types is still a knot.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const TOPS = ["prover", "server", "verifier-contracts", "api", "cli", "client"];

/** Test support that does not ship: the exact paths package.json's "files" negates. */
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { files: string[] };
const unshipped = new Set(pkg.files.filter((f) => f.startsWith("!") && /\.[jt]s$/.test(f)).map((f) => f.slice(1)));

function libraryFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return e.name === "fixtures" || e.name === "node_modules" ? [] : libraryFiles(rel);
    return /\.(ts|js|mjs)$/.test(e.name) && !/\.(test|d)\.ts$/.test(e.name) && !unshipped.has(rel) ? [rel] : [];
  });
}

// Static imports and re-exports (with or without names, type-only too) and dynamic import().
const IMPORT = /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'";]*?\s+from\s+)?["']([^"']+)["']|\bimport\(\s*["']([^"']+)["']\s*\)/g;
const stripComments = (src: string) => src.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");

interface Edge { from: string; to: string }
const edges: Edge[] = TOPS.flatMap(libraryFiles).flatMap((from) =>
  [...stripComments(readFileSync(path.join(ROOT, from), "utf8")).matchAll(IMPORT)]
    .map((m) => m[1] ?? m[2])
    .filter((spec) => spec.startsWith("."))
    .map((spec) => ({ from, to: path.posix.normalize(path.posix.join(path.posix.dirname(from), spec)) })));

const unit = (file: string) => (file.split("/").length === 2 ? file : path.posix.dirname(file));
const under = (file: string, prefixes: string[]) => prefixes.some((p) => file === p || file.startsWith(`${p}/`));
const show = (e: Edge) => `${e.from} -> ${e.to}`;

const top = (file: string) => file.split("/")[0];

/** Cycles among units (Tarjan's strongly connected components), each with the imports that close it. */
function unitCycles(unit: (file: string) => string): string[][] {
  const out = new Map<string, Set<string>>();
  for (const e of edges) if (unit(e.from) !== unit(e.to)) out.set(unit(e.from), (out.get(unit(e.from)) ?? new Set()).add(unit(e.to)));
  const index = new Map<string, number>(), low = new Map<string, number>(), stack: string[] = [], on = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size); low.set(v, index.get(v)!); stack.push(v); on.add(v);
    for (const w of out.get(v) ?? []) {
      if (!index.has(w)) { visit(w); low.set(v, Math.min(low.get(v)!, low.get(w)!)); }
      else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    for (let w = ""; w !== v; ) { w = stack.pop()!; on.delete(w); scc.push(w); }
    if (scc.length > 1) cycles.push(edges.filter((e) => unit(e.from) !== unit(e.to) && scc.includes(unit(e.from)) && scc.includes(unit(e.to))).map(show));
  };
  for (const v of out.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** Who must not import whom: each layer only reaches down. */
const RULES: { files: string[]; mustNotImport: string[]; why: string }[] = [
  { files: ["prover"], mustNotImport: ["server", "verifier-contracts", "api", "cli"], why: "prover is the library the others build on" },
  { files: ["verifier-contracts"], mustNotImport: ["server", "api", "cli"], why: "the contracts build on prover, under the server and the CLI" },
  { files: ["server"], mustNotImport: ["api", "cli"], why: "the CLI starts the server, not the reverse" },
  { files: ["api"], mustNotImport: ["cli", "server"], why: "the library's entry point exports prover's API, not a command" },
  { files: ["client"], mustNotImport: ["cli", "api", "server/service", "server/http", "server/grpc", "server/settlement", "server/jobs", "server/engine", "server/pool", "server/edge", "server/config"], why: "the client talks to a gateway over HTTP; of the server it shares only the records' types (server/core)" },
  { files: ["prover", "verifier-contracts", "server", "api"], mustNotImport: ["client"], why: "the client is a consumer of the gateway, never a part of it" },
  { files: ["prover/lowering"], mustNotImport: ["prover/ops", "prover/compiler"], why: "the op modules lower through it; the compiler drives the ops" },
  { files: ["prover/ops"], mustNotImport: ["prover/compiler"], why: "the compiler drives the op registry" },
  { files: ["server/core"], mustNotImport: ["server/service", "server/jobs", "server/engine", "server/settlement", "server/pool", "server/fleet", "server/http", "server/grpc", "server/edge", "server/config"], why: "the records and errors every part of the server shares" },
  { files: ["server/jobs", "server/engine", "server/settlement", "server/pool", "server/fleet", "server/config"], mustNotImport: ["server/service", "server/http", "server/grpc", "server/edge"], why: "the service composes them (it passes what they need in)" },
  { files: TOPS, mustNotImport: ["models"], why: "models/ holds the example models and their training data, which the package does not ship" },
];

describe("the import graph of the library", () => {
  it("is read from real imports that all resolve", () => {
    expect(edges.length).toBeGreaterThan(500);
    expect(edges.map(show)).toContain("prover/compiler/compile.ts -> prover/ops/index.ts");
    expect(edges.map(show)).toContain("server/service/service.ts -> server/settlement/index.ts");
    expect(edges.filter((e) => !existsSync(path.join(ROOT, e.to))).map(show)).toEqual([]);
  });

  it("has no cycle between folders", () => {
    expect(unitCycles(unit)).toEqual([]);
  });

  it("has no cycle between the top folders (prover, verifier-contracts, server, api, cli, client)", () => {
    expect(unitCycles(top)).toEqual([]);
  });

  for (const { files, mustNotImport, why } of RULES) {
    it(`${files.join(", ")} must not import ${mustNotImport.join(", ")}: ${why}`, () => {
      const bad = edges.filter((e) => under(e.from, files) && under(e.to, mustNotImport));
      expect(bad.map(show)).toEqual([]);
    });
  }
});
