/**
 * Every model in models/: constraints (total and per op), circuit compile, Groth16 setup on
 * the development ptau, witness and proof times (medians), float vs integer accuracy.
 * Run: npx tsx bench/models.ts [--runs 3] [--only name,name]  → bench/results/models.{json,md}
 *      npx tsx bench/models.ts --zoo [--runs 5]                → bench/results/zoo.{json,md}: the models
 *      quantized from models/zoo's PyTorch exports, with their parameter counts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { openModelDir, MODELS_DIR } from "../prover/model-dir.ts";
import { prepareModel, setupModelCircuit } from "../prover/prepare-model.ts";
import { proveGroth16, verifyGroth16 } from "../prover/prove.ts";
import { calculateWtns } from "../prover/witness.ts";
import { circuitInputs } from "../prover/inputs.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { quantizeInput } from "../prover/quantize/index.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { datasetOf, testSamples } from "../models/lib/datasets.ts";
import { describeMachine, median, timed } from "./lib/machine.ts";

const arg = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const zoo = process.argv.includes("--zoo");
const RUNS = Number(arg("--runs") ?? (zoo ? 5 : 3));
const only = arg("--only")?.split(",");
const floatOf = (d: string) => String((openModelDir(d).manifest.recipe as { float?: string } | undefined)?.float ?? "");
const names = readdirSync(MODELS_DIR)
  .filter((d) => existsSync(path.join(MODELS_DIR, d, "manifest.json")) && (!only || only.includes(d)) && (!zoo || floatOf(d).startsWith("models/zoo/")))
  .sort();
const scratch = path.join(REPO_ROOT, "build", `bench-models-${process.pid}`);
const round = (x: number) => Math.round(x * 10) / 10;
interface Row {
  model: string; constraints: number; perOp: Record<string, number>; ptauPower: number; compileS: number; setupS: number;
  witnessMs: number; proveMs: number; runs: number; floatAccuracy: number; integerAccuracy: number; testSamples: number;
  parameters: number; metric: string;
}
const rows: Row[] = [];

for (const name of names) {
  const m = openModelDir(name);
  process.stderr.write(`${name}: ${m.manifest.circuit.constraints} constraints\n`);
  rmSync(scratch, { recursive: true, force: true });
  // Made ready from scratch: the build and the setup go to scratch/circuit and scratch/setup, timed apart.
  const fresh = { ...m, buildDir: scratch };
  const [{ build }, compileMs] = await timed(() => prepareModel(fresh, { setup: false }));
  const [setup, setupMs] = await timed(() => setupModelCircuit(fresh, build.r1cs));
  const graph = readOnnx(readFileSync(m.onnxPath));
  const xs = testSamples(datasetOf(m.manifest), RUNS + 1).map((s) => quantizeInput(s.x, m.manifest.input.shift));
  const inputs = xs.map((x) => circuitInputs(m.manifest, x, { graph }));
  await proveGroth16(setup.zkeyPath, build.wasm, inputs[0]); // warm-up: wasm, zkey, curve
  const witness: number[] = [], prove: number[] = [];
  const vkey = JSON.parse(readFileSync(setup.vkeyPath, "utf8"));
  for (const input of inputs.slice(1)) {
    witness.push((await timed(() => calculateWtns(build.wasm, input)))[1]);
    const [p, ms] = await timed(() => proveGroth16(setup.zkeyPath, build.wasm, input));
    prove.push(ms);
    if (!(await verifyGroth16(vkey, p.publicSignals, p.proof))) throw new Error(`${name}: a benchmark proof did not verify`);
  }
  const acc = m.manifest.accuracy as { float: number; integer: number; testSamples: number; metric?: string };
  const float = readOnnx(readFileSync(path.join(m.dir, m.manifest.files.float)));
  const parameters = [...float.initializers.values()].filter((t) => t.dtype === "float32").reduce((a, t) => a + t.data.length, 0);
  const perOp: Record<string, number> = {};
  for (const c of (m.manifest.circuit as unknown as { perNode: { opType: string; constraints: number }[] }).perNode) perOp[c.opType] = (perOp[c.opType] ?? 0) + c.constraints;
  rows.push({
    model: name,
    constraints: m.manifest.circuit.constraints,
    perOp,
    ptauPower: setup.power,
    compileS: round(compileMs / 1000),
    setupS: round(setupMs / 1000),
    witnessMs: round(median(witness)),
    proveMs: round(median(prove)),
    runs: RUNS,
    floatAccuracy: acc.float,
    integerAccuracy: acc.integer,
    testSamples: acc.testSamples,
    parameters,
    metric: acc.metric ?? "accuracy",
  });
}
rmSync(scratch, { recursive: true, force: true });
await terminateSnarkjsCurves();

const machine = describeMachine();
const out = path.join(REPO_ROOT, "bench", "results");
mkdirSync(out, { recursive: true });
const base = zoo ? "zoo" : "models";
writeFileSync(path.join(out, `${base}.json`), JSON.stringify({ machine, rows }, null, 2) + "\n");
const score = (r: Row, x: number) => (r.metric === "mse" ? `MSE ${x.toFixed(4)}` : `${(100 * x).toFixed(2)} %`);
const ops = [...new Set(rows.flatMap((r) => Object.keys(r.perOp)))];
const header = zoo
  ? `# Model zoo benchmark

The models quantized from the PyTorch exports in models/zoo (models/zoo/README.md): parameters,
constraints (total and by op), compile, Groth16 setup and proving, float vs integer accuracy on the
test split (onnxruntime on the integer ONNX; mean squared error for the denoiser). ONNX params:
the float32 numbers in the exported float ONNX (BatchNorm already folded by the export, or kept
with its running statistics: not the training card's count).`
  : "# Models benchmark";
writeFileSync(path.join(out, `${base}.md`), `${header}

Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB, ${machine.os}, Node ${machine.node}; ${machine.date}; 1-min load average at start ${machine.loadAverage}.
Command: \`npx tsx bench/models.ts ${zoo ? "--zoo " : ""}--runs ${RUNS}\`. Groth16 on the development powers of tau (INSECURE); prove includes the witness; medians of ${RUNS}.
Setup includes generating the dev ptau when it is not cached yet.

| model | ${zoo ? "ONNX params | " : ""}constraints | ptau | compile (s) | setup (s) | witness (ms) | prove (ms) | float | integer | test inputs |
|---|${zoo ? "---:|" : ""}---:|---:|---:|---:|---:|---:|---:|---:|---:|
${rows.map((r) => `| ${r.model} | ${zoo ? `${r.parameters} | ` : ""}${r.constraints} | 2^${r.ptauPower} | ${r.compileS} | ${r.setupS} | ${r.witnessMs} | ${r.proveMs} | ${score(r, r.floatAccuracy)} | ${score(r, r.integerAccuracy)} | ${r.testSamples} |`).join("\n")}

Constraints by op (summed over the model's nodes; linear layers with fixed weights and rewiring cost none):

| model | ${ops.join(" | ")} |
|---|${ops.map(() => "---:").join("|")}|
${rows.map((r) => `| ${r.model} | ${ops.map((k) => r.perOp[k] ?? 0).join(" | ")} |`).join("\n")}
${zoo ? "" : "\nFor comparison, circomlib-ml's circuit for the 784x56x10 MLP has 73,416 non-linear constraints (ZKML-Benchmark).\n"}`);
process.stdout.write(readFileSync(path.join(out, `${base}.md`), "utf8"));
