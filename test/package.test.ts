/**
 * zkinfer installed as a dependency: `npm pack`, installed offline into an empty project
 * outside the repository, then used there as a new user would, through `npx zkinfer` (the
 * project's local bin, never the registry) and through the public API with its types. The
 * circuit compiled there must be byte for byte the committed one: the installed package finds
 * its circuit library and circomlib wherever they are, circomlib linked in from outside the
 * project as pnpm does.
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { defaultPaths } from "../prover/paths.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { installOffline } from "./helpers/offline-install.ts";
import { breastCancerSplits } from "../models/lib/breast-cancer.ts";

const run = promisify(execFile);
const tmp = makeTempDir("zkinfer-package-test-");
const project = tmp.file("project");
const PKG = JSON.parse(readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { name: string };
const committed = JSON.parse(readFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "manifest.json"), "utf8"));
let tarball = "";
let typecheck: Promise<string>;

/** `npx --no zkinfer ...` in the project: --no refuses to fetch, so only the local bin can answer. */
async function zkinfer(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run("npx", ["--no", "zkinfer", ...args], { cwd: project, maxBuffer: 64 << 20 });
    return { code: 0, ...r };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof err.code === "number" ? err.code : -1, stdout: err.stdout ?? "", stderr: err.stderr ?? "" };
  }
}

/**
 * A consumer's two files, type-checked with the consumer's tsc settings; started as soon as the
 * package is installed, so it runs beside the CLI steps. Resolves to tsc's output ("" if clean).
 */
function startTypecheck(): Promise<string> {
  const tsc = (files: string[]) => {
    writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({
      // A consumer's usual strict settings, and no skipLibCheck: the declarations are checked too.
      compilerOptions: { module: "NodeNext", moduleResolution: "NodeNext", target: "ES2022", strict: true, noEmit: true, typeRoots: [path.join(REPO_ROOT, "node_modules", "@types")], types: ["node"] },
      files,
    }));
    return run(process.execPath, [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"], { cwd: project }).then(() => "", (e: { stdout?: string }) => e.stdout ?? "failed");
  };
  writeFileSync(path.join(project, "use-api.ts"), `import { readFileSync } from "node:fs";
import { openModelDir, setupModel, proveModel, verifyModel, defaultPaths, terminateSnarkjsCurves, ProverError, type ModelProof, type Verdict } from "${PKG.name}";

const model = openModelDir("digits-mlp");
const cli = JSON.parse(readFileSync("proof.json", "utf8")) as ModelProof;
const x: number[] = JSON.parse(readFileSync("x.json", "utf8"));
const setup = await setupModel(model); // the CLI's setup, found again
const proof: ModelProof = await proveModel(model, x);
const verdict: Verdict = await verifyModel(model, proof);
const edited: Verdict = await verifyModel(model, { ...cli, output: cli.output.map((v) => v + 1) });
const bad = await proveModel(model, [...x.slice(1), 300]).catch((e: unknown) => (e instanceof ProverError ? e.message : "not a ProverError"));
console.log(JSON.stringify({ setupCached: setup.cached, trusted: setup.trusted, sameOutput: proof.output.join() === cli.output.join(), valid: verdict.valid, cliValid: (await verifyModel(model, cli)).valid, edited: edited.valid, reason: edited.reason, bad, ptauDir: defaultPaths().ptauDir }));
await terminateSnarkjsCurves();
`);
  // The client and the ABIs through their own exports, with the types ethers infers from the `as const` ABI.
  writeFileSync(path.join(project, "use-client.ts"), `import { ZkinferClient, ZkinferClientError, commitInput, type ChainInfo, type LocalVerdict } from "${PKG.name}/client";
import { inferenceEscrowAbi } from "${PKG.name}/abi";
import { Contract, JsonRpcProvider } from "ethers";

const zk = new ZkinferClient({ baseUrl: "http://127.0.0.1:1" });
const escrow = new Contract("0x0000000000000000000000000000000000000001", inferenceEscrowAbi, new JsonRpcProvider("http://127.0.0.1:1"));
const open = inferenceEscrowAbi.find((x) => x.type === "function" && x.name === "openRequest");
const c: { inputCommitment: string } = await commitInput({ name: "m", visibility: { input: "hashed", weights: "fixed", output: "public" }, input: { name: "x", shape: [2], dtype: "int8", shift: 0, quantization: "" } }, [1, -1]);
const chain: ChainInfo | string = await zk.chain().catch((e: unknown) => (e instanceof ZkinferClientError ? e.code : "other"));
const verdict: LocalVerdict | undefined = undefined;
console.log(escrow, open?.name, c, chain, verdict);
`);
  writeFileSync(path.join(project, "misuse.ts"), `import { proveModel } from "${PKG.name}";\nawait proveModel("digits-mlp", "not an input");\n`);
  return tsc(["use-api.ts", "use-client.ts", "misuse.ts"]);
}

beforeAll(async () => {
  mkdirSync(tmp.file("pack"));
  // prepack builds the declarations (dist/types) into the tarball.
  const { stdout } = await run("npm", ["pack", "--json", "--pack-destination", tmp.file("pack")], { cwd: REPO_ROOT, maxBuffer: 64 << 20 });
  tarball = tmp.file("pack", (JSON.parse(stdout) as { filename: string }[])[0].filename);
  mkdirSync(project);
  await installOffline(REPO_ROOT, tarball, project);
  // As pnpm lays it out: circomlib in a store outside the project, linked into node_modules.
  mkdirSync(tmp.file("store"));
  renameSync(path.join(project, "node_modules", "circomlib"), tmp.file("store", "circomlib"));
  symlinkSync(tmp.file("store", "circomlib"), path.join(project, "node_modules", "circomlib"), "dir");
  mkdirSync(path.join(project, "digits-mlp"));
  copyFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "model.int8.onnx"), path.join(project, "digits-mlp", "model.int8.onnx"));
  // The development powers of tau is deterministic (fixed seed): a copy of the repo's cached one
  // is the file setup would make, and spares CI half a minute.
  const ptau = defaultPaths().ptauDir;
  const pot12 = existsSync(ptau) ? readdirSync(ptau).find((f) => /^dev_insecure_pot12_[0-9a-f]+\.ptau$/.test(f)) : undefined;
  if (pot12) {
    mkdirSync(path.join(project, ".zkinfer", "ptau"), { recursive: true });
    copyFileSync(path.join(ptau, pot12), path.join(project, ".zkinfer", "ptau", pot12));
  }
  typecheck = startTypecheck();
}, 600_000);
afterAll(() => tmp.remove());

describe(`the package ${PKG.name}`, () => {
  it("holds the library, its circuit library and declarations, and no tests, models or build outputs", async () => {
    const { stdout } = await run("tar", ["tzf", tarball], { maxBuffer: 16 << 20 });
    const files = stdout.split("\n").filter(Boolean).map((f) => f.replace(/^package\//, ""));
    for (const f of ["package.json", "bin/zkinfer.js", "api/entry.js", "api/index.ts", "dist/types/api/index.d.ts", "circuits/lib/zkinfer.circom", "cli/main.ts", "server/pool/worker-entry.mjs"]) expect(files).toContain(f);
    expect(files.filter((f) => /\.test\.ts$|(^|\/)build\/|^models\/|^circuits\/generated\/|^test\/|fixtures\/|^node_modules\/|testing\.ts$|random-graphs\.ts$/.test(f))).toEqual([]);
  });

  it("imports a float ONNX into a model folder of the project, which prove and verify take", async () => {
    // A user's own float model and data: the zoo's tabular model (1.6k constraints) and its splits as CSV.
    copyFileSync(path.join(REPO_ROOT, "models", "zoo", "tabular-breast-cancer", "model.float.onnx"), path.join(project, "net.onnx"));
    const { train, test } = breastCancerSplits();
    const rows = (xs: { x: Float32Array; label: number }[], label: boolean) => xs.map((s) => `${Array.from(s.x).join(",")}${label ? `,${s.label}` : ""}`).join("\n") + "\n";
    writeFileSync(path.join(project, "train.csv"), rows(train, false));
    writeFileSync(path.join(project, "test.csv"), rows(test, true));
    const i = await zkinfer("import", "net.onnx", "--calibration", "train.csv", "--test", "test.csv", "--label-column", "30", "--out", "my-net", "--check-inputs", "0");
    expect(i.code, i.stderr).toBe(0);
    const m = JSON.parse(readFileSync(path.join(project, "my-net", "manifest.json"), "utf8"));
    expect(m).toMatchObject({ name: "my-net", files: { circuit: "my-net.circom" }, setup: { trusted: false }, accuracy: { testSamples: test.length } });
    expect(m.accuracy.integer).toBeGreaterThan(0.9);
    writeFileSync(path.join(project, "row.json"), JSON.stringify(Array.from(test[0].x)));
    const p = await zkinfer("prove", "./my-net", "--float", "--input", "row.json", "--out", "net-proof.json");
    expect(p.code, p.stderr).toBe(0);
    const v = await zkinfer("verify", "./my-net", "--proof", "net-proof.json");
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe("valid");
  });

  it("runs compile, setup, prove and verify through npx in a project that installed it", async () => {
    const c = await zkinfer("compile", "digits-mlp/model.int8.onnx", "--check-inputs", "0");
    expect(c.code, c.stderr).toBe(0);
    // The new model folder holds its own circuit; it is the committed one, byte for byte.
    expect(readFileSync(path.join(project, "digits-mlp", "digits-mlp.circom"), "utf8")).toBe(readFileSync(path.join(REPO_ROOT, "circuits", "generated", "digits-mlp.circom"), "utf8"));
    const manifest = JSON.parse(readFileSync(path.join(project, "digits-mlp", "manifest.json"), "utf8"));
    expect(manifest.files.circuit).toBe("digits-mlp.circom");
    expect(manifest.circuit.hash).toBe(committed.circuit.hash);
    expect(manifest.circuit.sourceHash).toBe(committed.circuit.sourceHash);

    const s = await zkinfer("setup", "./digits-mlp");
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout)).toMatchObject({ insecure: true, trusted: false });
    // Caches go to the project's .zkinfer/, never into the installed package.
    expect(readdirSync(path.join(project, ".zkinfer", "ptau")).some((f) => f.startsWith("dev_insecure_pot12_"))).toBe(true);
    expect(existsSync(path.join(project, "node_modules", ...PKG.name.split("/"), "build"))).toBe(false);

    writeFileSync(path.join(project, "x.json"), JSON.stringify(Array.from({ length: 64 }, (_, i) => (i * 7) % 17)));
    const p = await zkinfer("prove", "./digits-mlp", "--input", "x.json", "--out", "proof.json");
    expect(p.code, p.stderr).toBe(0);
    const v = await zkinfer("verify", "./digits-mlp", "--proof", "proof.json");
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe("valid");
  });

  it("gives a TypeScript project the public API with its types, which catch misuse", async () => {
    expect(await typecheck).toMatch(/^misuse\.ts\(2,\d+\): error TS2345[^\n]*\n?$/);
    // From plain node (no loader of the project's own): the entry loads the TypeScript itself.
    const plain = await run(process.execPath, ["--input-type=module", "-e", `const m = await import(${JSON.stringify(PKG.name)}); console.log(typeof m.proveModel, m.defaultPaths().dataDir);`], { cwd: project });
    expect(plain.stdout.trim()).toBe(`function ${path.join(project, ".zkinfer")}`);
    // tsx is a dependency of the package, so the project has it.
    const { stdout } = await run(path.join(project, "node_modules", ".bin", "tsx"), ["use-api.ts"], { cwd: project });
    const out = JSON.parse(stdout.trim().split("\n").pop()!);
    expect(out).toMatchObject({ setupCached: true, trusted: false, sameOutput: true, valid: true, cliValid: true, edited: false, bad: "input[63]: 300 is not an int8 (-128..127)", ptauDir: path.join(project, ".zkinfer", "ptau") });
    expect(out.reason).toMatch(/^output: the file says/);
  });
});
