/**
 * `zkinfer import` as a user runs it: the zoo's float tabular model (breast cancer, 30 features,
 * one Sigmoid output) with calibration and test data written as CSV, .npy and JSON files into a
 * folder outside the repository, imported into a model folder there, then proved and verified
 * from that folder by the README's "Bring your own model" lines, run as written. The accuracy the manifest states is recomputed here with onnxruntime; bad
 * input is refused naming the file and row, and a failed import leaves --out as it was.
 * The walkthrough's import runs as a child process (bin/zkinfer.js: what reaches the real
 * stderr, circom's and snarkjs' output included, is JSON log lines), as does the Ctrl-C test;
 * the other commands run in this process (cli/run.ts main), in the walkthrough's folder where
 * the README's relative paths need it.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import ort from "onnxruntime-node";
import { afterAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { importModel, writeNpy, type ImportProgress } from "../prover/import/index.ts";
import { breastCancerSplits } from "../models/lib/breast-cancer.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { zkinferIn, zkinferInProcess, zkinferInProcessIn } from "./helpers/cli.ts";

const FLOAT = path.join(REPO_ROOT, "models", "zoo", "tabular-breast-cancer", "model.float.onnx");
const tmp = makeTempDir("zkinfer-import-test-");
afterAll(async () => {
  await terminateSnarkjsCurves();
  tmp.remove();
});
const { train, test } = breastCancerSplits();
const out = tmp.file("my-models", "breast-cancer");
/** Where the README walkthrough runs: --out ./breast-cancer is `out`. */
const walk = path.dirname(out);
const header = Array.from({ length: 30 }, (_, j) => `f${j}`).join(",");
const csv = (rows: ArrayLike<number>[], labels?: number[]) =>
  `${header}${labels ? ",diagnosis" : ""}\n${rows.map((x, i) => `${Array.from(x).join(",")}${labels ? `,${labels[i]}` : ""}`).join("\n")}\n`;
const write = (name: string, data: string | Uint8Array) => {
  writeFileSync(tmp.file(name), data);
  return tmp.file(name);
};
const calCsv = write("train.csv", csv(train.map((s) => s.x)));
const testCsv = write("test.csv", csv(test.map((s) => s.x), test.map((s) => s.label)));
const manifestOf = (dir: string) => JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
/** Everything in a folder, with each file's sha256: a folder "as it was". */
const snapshot = (dir: string): Record<string, string> =>
  Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => {
    const p = path.join(e.parentPath, e.name);
    return [path.relative(dir, p), createHash("sha256").update(readFileSync(p)).digest("hex")];
  }));
/** Leftover staging folders (`<out>.importing-<pid>-<time>`) beside the import folders. */
const leftovers = () => readdirSync(walk).filter((f) => f.includes(".importing-"));

/** The commands of the README's walkthrough block (after its marker comment), as argv lists. */
function readmeWalkthrough(): string[][] {
  const readme = readFileSync(path.join(REPO_ROOT, "README.md"), "utf8");
  const at = readme.indexOf("<!-- walkthrough: run verbatim by test/cli-import.test.ts -->");
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at));
  if (at < 0 || !block) throw new Error("README.md has no walkthrough block");
  return block[1].split("\n").filter((l) => l.trim()).map((l) => {
    const words = l.trim().split(/\s+/);
    if (words[0] !== "npx" || words[1] !== "zkinfer") throw new Error(`README walkthrough: not a zkinfer command: ${l}`);
    return words.slice(2);
  });
}

/** float and integer accuracy by onnxruntime directly, as a client would compute them. */
async function onnxruntimeAccuracy(dir: string, inputShift: number, outputShift: number) {
  const f = await ort.InferenceSession.create(path.join(dir, "model.float.onnx"));
  const q = await ort.InferenceSession.create(path.join(dir, "model.int8.onnx"));
  let floatRight = 0, intRight = 0;
  for (const s of test) {
    const fy = (await f.run({ [f.inputNames[0]]: new ort.Tensor("float32", s.x, [1, 30]) }))[f.outputNames[0]].data[0] as number;
    const xq = Int8Array.from(s.x, (v) => Math.max(-128, Math.min(127, Math.sign(v) * Math.round(Math.abs(v) * 2 ** inputShift))));
    const qy = Number((await q.run({ [q.inputNames[0]]: new ort.Tensor("int8", xq, [1, 30]) }))[q.outputNames[0]].data[0]);
    if ((fy > 0.5 ? 1 : 0) === s.label) floatRight++;
    if ((qy / 2 ** outputShift > 0.5 ? 1 : 0) === s.label) intRight++;
  }
  return { float: floatRight / test.length, integer: intRight / test.length };
}

describe("zkinfer import", () => {
  let first: { modelId: string; accuracy: { float: number; integer: number } };

  it("runs the README's walkthrough as written: imports a float ONNX with CSV data into a folder anywhere, proves and verifies from it", async () => {
    mkdirSync(walk, { recursive: true });
    for (const [from, to] of [[FLOAT, "model.float.onnx"], [calCsv, "train.csv"], [testCsv, "test.csv"]]) copyFileSync(from, path.join(walk, to));
    writeFileSync(path.join(walk, "x.json"), JSON.stringify(Array.from(test[0].x)));
    const [imp, prove, verify] = readmeWalkthrough();
    expect([imp[0], prove[0], verify[0]]).toEqual(["import", "prove", "verify"]);
    const r = await zkinferIn(walk, ...imp);
    expect(r.code, r.stderr).toBe(0);
    // Not a TTY: one line per step, no bars redrawn.
    for (const step of ["calibration", "accuracy", "compile", "differential check", "setup"]) expect(r.stderr).toMatch(new RegExp(`^${step}: .*\\(\\d+\\.\\ds\\)$`, "m"));
    expect(r.rawStderr).not.toContain("\r");
    // One log format: every line written is a JSON log line (no raw snarkjs or circom output).
    const lines = r.rawStderr.split("\n").filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const l of lines) expect(JSON.parse(l), l).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
    const m = manifestOf(out);
    expect(readdirSync(out).sort()).toEqual(["breast-cancer.circom", "build", "manifest.json", "model.float.onnx", "model.int8.onnx"]);
    expect(m.name).toBe("breast-cancer");
    expect(m.files.circuit).toBe("breast-cancer.circom");
    expect(m.modelId).toBe(createHash("sha256").update(readFileSync(path.join(out, "model.int8.onnx"))).digest("hex"));
    expect(m.source).toMatchObject({ file: "model.float.onnx", sha256: createHash("sha256").update(readFileSync(FLOAT)).digest("hex"), ops: { Gemm: 3, Sigmoid: 1, BatchNormalization: 1 } });
    expect(m.input.preprocessing).toMatchObject({ scale: 1, offset: 0, mean: 0, std: 1 });
    const hash = (f: string) => createHash("sha256").update(readFileSync(f)).digest("hex");
    expect(m.data).toEqual({ calibration: { file: "train.csv", sha256: hash(calCsv), samples: train.length }, test: { file: "test.csv", sha256: hash(testCsv), samples: test.length, labelled: true } });
    expect(Object.values(m.circuit.perOpType as Record<string, number>).reduce((a, b) => a + b, 0)).toBe((m.circuit.perNode as { constraints: number }[]).reduce((a, n) => a + n.constraints, 0));
    expect(m.quantization.layers.length).toBeGreaterThan(0);
    expect(m.visibility).toEqual({ weights: "fixed", input: "hashed", output: "public" });
    expect(m.setup).toMatchObject({ ptau: "dev", trusted: false, insecure: true });
    // The accuracy stated is what onnxruntime gives on the two ONNX files in the folder.
    expect(m.accuracy).toMatchObject({ testSamples: test.length, ...(await onnxruntimeAccuracy(out, m.input.shift, m.output.shift)) });
    expect(m.accuracy.float).toBeGreaterThan(0.9);
    first = m;

    const p = await zkinferInProcessIn(walk, ...prove);
    expect(p.code, p.stderr).toBe(0);
    expect(JSON.parse(readFileSync(path.join(walk, "proof.json"), "utf8")).model).toBe("breast-cancer");
    const v = await zkinferInProcessIn(walk, ...verify);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout.trim()).toBe("valid");
  });

  it("reads raw .npy inputs with per-feature --mean and --std into the same integer model, reusing its circuit and keys", async () => {
    // x = (raw - mean) / std exactly: raw = x * 0.25 + mean in float64 (float32 x, small integer means).
    const mean = Array.from({ length: 30 }, (_, j) => j - 15);
    const raw = (xs: Float32Array[]) => xs.flatMap((x) => Array.from(x, (v, j) => v * 0.25 + mean[j]));
    const cal = write("train.npy", writeNpy([train.length, 30], raw(train.map((s) => s.x)), "<f8"));
    const tst = write("test.npy", writeNpy([test.length, 1, 30], raw(test.map((s) => s.x)), "<f8"));
    const meanFile = write("mean.json", JSON.stringify(mean));
    const r = await zkinferInProcess("import", FLOAT, "--calibration", cal, "--test", tst, "--mean", meanFile, "--std", "0.25", "--out", out, "--check-inputs", "0");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^setup: reused/m);
    const m = manifestOf(out);
    expect(m.modelId).toBe(first.modelId);
    expect(m.input.preprocessing).toMatchObject({ mean, std: 0.25, scale: 1, offset: 0 });
    expect(m.input.preprocessing.clientSends).toMatch(/applied by the client/);
    // No labels in a .npy: agreement of float and integer, and the integer output's error.
    expect(m.accuracy.float).toBeUndefined();
    expect(m.accuracy.agreement).toBeGreaterThan(0.95);
    expect(m.accuracy.meanAbsError).toBeGreaterThan(0);
    expect(m.accuracy.meanAbsError).toBeLessThan(0.05);
  });

  it("reads JSON inputs (nested as the input's shape) and a labelled {inputs, labels} test file", async () => {
    const cal = write("train.json", JSON.stringify(train.map((s) => [Array.from(s.x)])));
    const tst = write("test.json", JSON.stringify({ inputs: test.map((s) => Array.from(s.x)), labels: test.map((s) => s.label) }));
    const r = await zkinferInProcess("import", FLOAT, "--calibration", cal, "--test", tst, "--out", out, "--check-inputs", "0");
    expect(r.code, r.stderr).toBe(0);
    const m = manifestOf(out);
    expect(m.modelId).toBe(first.modelId);
    expect(m.accuracy).toMatchObject({ float: first.accuracy.float, integer: first.accuracy.integer });
  });

  it("refuses bad data naming the file and row, an integer ONNX, and a folder holding another model; --out stays as it was", async () => {
    const before = snapshot(out);
    const fresh = tmp.file("my-models", "fresh");
    const run = (o: Partial<Parameters<typeof importModel>[0]>) => importModel({ floatPath: FLOAT, calibration: calCsv, outDir: fresh, ptau: false, ...o });
    // No header: the row's own length is checked against the model's input.
    const short = write("short.csv", [train[0].x, train[1].x, train[2].x.subarray(0, 29)].map((x) => Array.from(x).join(",")).join("\n"));
    await expect(run({ calibration: short })).rejects.toThrow(`${short}: row 3 (line 3) has 29 values, the model's input takes 30`);
    const nan = write("nan.csv", csv([train[0].x]).replace(/,[^,\n]+\n$/, ",NaN\n"));
    await expect(run({ calibration: nan })).rejects.toThrow(`${nan}: row 1 (line 2), column 29 "f29": "NaN" is not a finite number`);
    await expect(run({ calibration: write("empty.csv", "") })).rejects.toThrow(/empty\.csv: no inputs in the file/);
    const badLabel = write("bad-label.csv", csv([test[0].x, test[1].x], [1, 2]));
    await expect(run({ test: badLabel, labelColumn: "diagnosis" })).rejects.toThrow(`${badLabel}: row 2 (line 3): label 2 does not fit the model's output of 1 value (expected 0 or 1`);
    await expect(run({ outDir: path.join(REPO_ROOT, "models", "digits-mlp") })).rejects.toThrow(/digits-mlp exists and holds another model/);
    // Re-importing replaces the folder: never when it also holds files of the user's.
    writeFileSync(path.join(out, "train.csv"), "kept");
    await expect(run({ outDir: out })).rejects.toThrow(`${out} holds an earlier import of this model and also train.csv, which replacing it would delete`);
    expect(readFileSync(path.join(out, "train.csv"), "utf8")).toBe("kept");
    rmSync(path.join(out, "train.csv"));
    const notOnnx = write("not-a-model.onnx", "hello");
    await expect(run({ floatPath: notOnnx })).rejects.toThrow(`${notOnnx}: not an ONNX model`);

    const int8 = path.join(REPO_ROOT, "models", "tabular-breast-cancer", "model.int8.onnx");
    const r = await zkinferInProcess("import", int8, "--calibration", calCsv, "--out", fresh);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${int8}: an integer model (its input input is int8); import takes a float ONNX. Compile an integer ONNX with: zkinfer compile ${int8}`);
    expect(existsSync(fresh)).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(snapshot(out)).toEqual(before);
  });

  it("leaves --out as it was when a late step fails: an earlier import untouched, a new folder never made", async () => {
    const before = snapshot(out);
    // Setup is the last step: a powers of tau file that is not one fails it after compile and check.
    const r = await zkinferInProcess("import", FLOAT, "--calibration", calCsv, "--out", out, "--check-inputs", "0", "--ptau", write("bad.ptau", "not a ptau"));
    expect(r.code, r.stdout).toBe(2);
    expect(r.stderr).toMatch(/^differential check: /m);
    expect(r.stderr).toMatch(/bad\.ptau: truncated ptau file/);
    expect(snapshot(out)).toEqual(before);
    expect(leftovers()).toEqual([]);

    // Ctrl-C while a new folder is being made: the staging folder goes with the process.
    const stopped = tmp.file("my-models", "stopped");
    const child = spawn(process.execPath, [path.join(REPO_ROOT, "bin", "zkinfer.js"), "import", FLOAT, "--calibration", calCsv, "--out", stopped], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    while (!leftovers().some((f) => f.startsWith("stopped.importing-"))) await new Promise((r) => setTimeout(r, 50));
    child.kill("SIGINT");
    expect(await exited, stderr).toBe(130);
    expect(stderr).toContain(`SIGINT: stopped; nothing was written to ${stopped}`);
    expect(existsSync(stopped)).toBe(false);
    expect(leftovers()).toEqual([]);

    // A new folder, failing once the model files are staged (a progress reporter that throws, as a closed stderr would).
    const fresh = tmp.file("my-models", "fresh");
    const failing: ImportProgress = {
      step(name) {
        if (name === "compile") throw new Error("stderr closed");
        return { tick() {}, note() {}, done() {}, fail() {} };
      },
    };
    await expect(importModel({ floatPath: FLOAT, calibration: calCsv, outDir: fresh, ptau: false, progress: failing })).rejects.toThrow("stderr closed");
    expect(existsSync(fresh)).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});
