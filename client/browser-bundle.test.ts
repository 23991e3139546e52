/**
 * The client in a browser bundle, built with esbuild for platform "browser" (no Node builtins
 * resolve there): everything but circomlibjs bundles as is, ethers and snarkjs' browser build
 * included. circomlibjs' single entry also loads modules the client does not use (eddsa's
 * blake-hash, the reference Poseidon) that import Node's `assert` and `events`: a bundler needs
 * those two aliased to their npm browser packages (docs/client.md). The second test pins that
 * list, so a change in circomlibjs (or a replacement) shows here.
 */
import { build } from "esbuild";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const browser = { bundle: true, platform: "browser", format: "esm", write: false, logLevel: "silent", absWorkingDir: ROOT } as const;

describe("the client in a browser bundle", () => {
  it("bundles for the browser with no Node builtin; only circomlibjs is left to the app's bundler", async () => {
    const r = await build({ ...browser, entryPoints: ["./client/index.ts"], external: ["circomlibjs"], metafile: true });
    expect(r.errors).toEqual([]);
    const left = Object.values(r.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect([...new Set(left)]).toEqual(["circomlibjs"]);
    const bundled = Object.keys(r.metafile.inputs);
    expect(bundled.some((f) => f.startsWith("node_modules/snarkjs/build/browser"))).toBe(true); // snarkjs' browser build is in
    expect(bundled.some((f) => f.startsWith("node_modules/ethers/"))).toBe(true);
  }, 120_000);

  it("circomlibjs needs exactly the assert and events polyfills", async () => {
    const missing = await build({ ...browser, stdin: { contents: 'export { buildPoseidon } from "circomlibjs";', resolveDir: ROOT } }).then(
      () => [] as string[],
      (e: { errors: { text: string }[] }) => [...new Set(e.errors.map((x) => /Could not resolve "([^"]+)"/.exec(x.text)?.[1] ?? x.text))].sort(),
    );
    expect(missing).toEqual(["assert", "events"]);
  }, 120_000);
});
