/**
 * The client must load in a browser bundle: no node: modules and no Node builtins anywhere in
 * its run-time import graph (type-only imports are erased), and no package but the few that
 * run in a browser.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const BROWSER_PACKAGES = new Set(["ethers", "snarkjs", "circomlibjs"]);
const BUILTINS = new Set(builtinModules);

/** Run-time imports of one TypeScript file (static, re-exports and dynamic); type-only ones skipped. */
function runtimeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
  const out: string[] = [];
  for (const m of code.matchAll(/^\s*(import|export)\s+(type\s+)?([^;]*?)\s*from\s*["']([^"']+)["']/gm)) if (!m[2]) out.push(m[4]!);
  for (const m of code.matchAll(/^\s*import\s*["']([^"']+)["']/gm)) out.push(m[1]!);
  for (const m of code.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)) out.push(m[1]!);
  return out;
}

/** Walks the run-time import graph from `entry`; returns every offence as "file: specifier (why)". */
export function nodeOnlyImports(entry: string): string[] {
  const seen = new Set<string>();
  const offences: string[] = [];
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const spec of runtimeImports(readFileSync(file, "utf8"))) {
      const rel = path.relative(process.cwd(), file);
      if (spec.startsWith(".")) visit(path.resolve(path.dirname(file), spec));
      else if (spec.startsWith("node:") || BUILTINS.has(spec.split("/")[0]!)) offences.push(`${rel}: ${spec} (a Node builtin)`);
      else if (!BROWSER_PACKAGES.has(spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0]!)) offences.push(`${rel}: ${spec} (not one of ${[...BROWSER_PACKAGES].join(", ")})`);
    }
  };
  visit(entry);
  return offences;
}

describe("the client's import graph", () => {
  it("has no Node-only import from client/index.ts down, through every relative import", () => {
    const entry = fileURLToPath(new URL("./index.ts", import.meta.url));
    expect(nodeOnlyImports(entry)).toEqual([]);
  });

  it("is walked for real: a node: import two files down, a builtin and a Node-only package are found; type imports are not", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-imports-"));
    writeFileSync(path.join(dir, "a.ts"), `import { b } from "./b.ts";\nimport type { X } from "node:fs";\nexport * from "./c.ts";\n`);
    writeFileSync(path.join(dir, "b.ts"), `import { ethers } from "ethers";\nexport { readFileSync } from "node:fs";\n`);
    writeFileSync(path.join(dir, "c.ts"), `const m = await import("crypto");\nimport x from "better-sqlite3";\n`);
    expect(nodeOnlyImports(path.join(dir, "a.ts")).map((o) => o.replace(/^.*[\\/]/, ""))).toEqual([
      "b.ts: node:fs (a Node builtin)", "c.ts: better-sqlite3 (not one of ethers, snarkjs, circomlibjs)", "c.ts: crypto (a Node builtin)",
    ]);
  });
});
