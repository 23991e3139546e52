/**
 * compileCircom works wherever the sources are: run from a working directory outside the
 * repository, and with circomlib behind a symlink that leads out of the project (as pnpm lays
 * out node_modules), which plain circom2 cannot follow.
 */
import { execFile } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { CIRCOM_FLAGS, compileCircom } from "./circom.ts";
import { includesOf } from "./circom-sources.ts";
import { CIRCUIT_LIB_DIR, PACKAGE_ROOT } from "./paths.ts";
import { readR1cs } from "./r1cs.ts";
import { makeTempDir } from "../test/helpers/temp-dir.ts";

const tmp = makeTempDir("zkinfer-circom-test-");
afterAll(() => tmp.remove());
const req = createRequire(import.meta.url);

// Uses both include folders: zkinfer.circom from the circuit library, Num2Bits from circomlib.
const CIRCUIT = `pragma circom 2.1.0;
include "zkinfer.circom"; // the circuit library
/* include "missing.circom"; is a comment, not an include */
include "circomlib/circuits/bitify.circom";
template T() {
    signal input a;
    signal output out;
    component bits = Num2Bits(8);
    bits.in <== a;
    component m = Max2(8);
    m.a <== a;
    m.b <== 3;
    out <== m.out;
}
component main = T();
`;

function writeCircuit(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "t.circom"), CIRCUIT);
  return path.join(dir, "t.circom");
}

describe("compileCircom", () => {
  it("reads include lines, not includes inside comments", () => {
    expect(includesOf(CIRCUIT)).toEqual(["zkinfer.circom", "circomlib/circuits/bitify.circom"]);
  });

  it("compiles from a working directory outside the repository, and leaves no work folder", async () => {
    const cwd = tmp.file("elsewhere");
    mkdirSync(cwd, { recursive: true });
    const circuit = writeCircuit(tmp.file("circuit"));
    const out = tmp.file("out");
    const script = tmp.file("elsewhere", "compile.mts");
    writeFileSync(script, `import { compileCircom } from ${JSON.stringify(path.join(PACKAGE_ROOT, "prover", "circom.ts"))};\nconsole.log(JSON.stringify(await compileCircom(${JSON.stringify(circuit)}, ${JSON.stringify(out)})));\n`);
    const { stdout } = await promisify(execFile)(process.execPath, ["--import", req.resolve("tsx"), script], { cwd });
    const r = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(readR1cs(r.r1cs).nConstraints).toBeGreaterThan(8);
    expect(existsSync(r.wasm)).toBe(true);
    expect(readdirSync(out).sort()).toEqual(["t.r1cs", "t.sym", "t_js"]);
  });

  it("compiles with circomlib behind a symlink out of the project, which plain circom2 cannot follow", async () => {
    // A pnpm-like layout: the project's node_modules/circomlib links into a store outside it.
    const store = tmp.file("store", "circomlib");
    cpSync(path.dirname(req.resolve("circomlib/package.json")), store, { recursive: true, filter: (s) => !s.includes(`${path.sep}test`) });
    const project = tmp.file("project");
    mkdirSync(path.join(project, "node_modules"), { recursive: true });
    symlinkSync(store, path.join(project, "node_modules", "circomlib"), "dir");
    cpSync(CIRCUIT_LIB_DIR, path.join(project, "lib"), { recursive: true });
    const circuit = writeCircuit(path.join(project, "src"));
    // Without the work folder: circom2 run in the project does not reach the linked files.
    const plain = promisify(execFile)(process.execPath, [req.resolve("circom2/cli.js"), "src/t.circom", ...CIRCOM_FLAGS, "-o", ".", "-l", "lib", "-l", "node_modules"], { cwd: project });
    await expect(plain).rejects.toThrow(/Could not open file .*circomlib\/circuits\/bitify.circom/);
    const r = await compileCircom(circuit, tmp.file("linked-out"), { libraryDirs: [path.join(project, "lib"), path.join(project, "node_modules")] });
    expect(readR1cs(r.r1cs).nConstraints).toBeGreaterThan(8);
  });

  it("names the file and the include when an include is found nowhere, and writes no build", async () => {
    const dir = tmp.file("missing");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "m.circom"), 'pragma circom 2.1.0;\ninclude "nowhere.circom";\n');
    await expect(compileCircom(path.join(dir, "m.circom"), path.join(dir, "out"))).rejects.toThrow(/m\.circom: include "nowhere\.circom" not found beside the file nor in .*circuits/);
    expect(readdirSync(path.join(dir, "out"))).toEqual([]);
  });

  it("refuses an include that climbs out of its file's folder rather than compiling another file", async () => {
    const dir = tmp.file("climb", "inner");
    mkdirSync(dir, { recursive: true });
    writeFileSync(tmp.file("climb", "up.circom"), "pragma circom 2.1.0;\n");
    writeFileSync(path.join(dir, "c.circom"), 'pragma circom 2.1.0;\ninclude "../up.circom";\n');
    await expect(compileCircom(path.join(dir, "c.circom"), tmp.file("climb-out"))).rejects.toThrow(/include "\.\.\/up\.circom" reaches outside the folder of its file/);
  });

  it("reports a circom error with the original file name, not the copy's", async () => {
    const dir = tmp.file("broken");
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "b.circom"), "pragma circom 2.1.0;\ntemplate B() { signal input a; a <== ; }\ncomponent main = B();\n");
    const err = await compileCircom(path.join(dir, "b.circom"), tmp.file("broken-out")).catch((e: Error) => e);
    expect(String(err)).toContain(path.join(dir, "b.circom"));
    expect(readFileSync(path.join(dir, "b.circom"), "utf8")).toContain("template B");
  });
});
