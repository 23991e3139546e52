/**
 * The zero-weights forgery against a hashed-weights model, with real parts: the breast-cancer
 * risk model (models/tabular-breast-cancer: Gemm, Tanh, Gemm, GELU, Gemm, Sigmoid) compiled with
 * `weights: "hashed"` into a model folder of its own (manifest, circuit, development setup), one
 * honest proof of a test patient, and one proof for the same patient whose private weights are all
 * zero and whose last bias is chosen: the output is then whatever that bias gives (here the
 * opposite extreme of the honest score). Both are proved with the model's real proving key, and both
 * satisfy every constraint: only the public weightsCommitment tells them apart.
 * The circuit also has the `nonce` public input (the last signal), so that ProvenOracle's
 * weights check is tested on this same fixture (feeds need a nonce): one setup for escrow,
 * oracle, CLI and server. The model is the smallest served one with a trained hidden layer (641
 * weights: an 8k-constraint setup, where digits-mlp's 2,410 weights cost 27k). The fixture's
 * proofs use the default nonce.
 */
import { copyFileSync, cpSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { compileModelFile } from "../../prover/compiler/model.ts";
import { withFileLock } from "../../prover/file-lock.ts";
import { REPO_ROOT } from "../../prover/circom.ts";
import { openModelDir, type ModelDir } from "../../prover/model-dir.ts";
import { readOnnx } from "../../prover/onnx/proto.ts";
import { circuitInputs } from "../../prover/inputs.ts";
import { prepareModel, setupModelCircuit } from "../../prover/prepare-model.ts";
import { proveGroth16, type ProofResult } from "../../prover/prove.ts";
import { evaluateGraph, evaluateOutput } from "../../prover/evaluate-integer.ts";
import { quantizeInput } from "../../prover/quantize/index.ts";
import type { Graph } from "../../prover/onnx/graph.ts";
import type { CompiledCircuit } from "../../prover/compiler/compile.ts";
import { datasetOf, testSamples } from "../../models/lib/datasets.ts";

const BASE_MODEL = "tabular-breast-cancer";
export const HASHED_MODEL = `${BASE_MODEL}-weights-hashed`;
/** The forged last bias: inside the 24-bit bias range, far past where the output saturates. */
const FORGED_BIAS = 5_000_000;
type WeightInput = Pick<CompiledCircuit["weightInputs"][number], "tensor" | "signal">;

export interface ZeroWeightsFixture {
  /** The model folder (its parent is a models dir holding only it). */
  model: ModelDir;
  modelsDir: string;
  zkeyPath: string;
  wasmPath: string;
  vkey: unknown;
  /** The input both proofs are about: the forged proof has the same input commitment. */
  input: number[];
  /** The output the forged proof carries (not the model's output for `input`). */
  forgedOutput: number[];
  honest: ProofResult;
  forged: ProofResult;
  /** The circuit inputs of both proofs (nonce: the default), to prove them again with another nonce. */
  inputs: { honest: Record<string, unknown>; forged: Record<string, unknown> };
}

/**
 * The model folder, compiled and set up once under build/model-variants (circom only sees files
 * below the repository root) and reused while its circuit is unchanged. Test files running in
 * parallel take turns through a lock and each copies the folder into its own `modelsDir`, so no
 * test reads a file another one is rewriting. The setup is where the server looks for it
 * (build/setup in the model folder, the default development ptau cache).
 */
const CACHE = path.join(REPO_ROOT, "build", "model-variants", HASHED_MODEL);

async function buildCached(): Promise<void> {
  mkdirSync(CACHE, { recursive: true });
  copyFileSync(path.join(REPO_ROOT, "models", BASE_MODEL, "model.int8.onnx"), path.join(CACHE, "model.int8.onnx"));
  const built = await compileModelFile({
    name: HASHED_MODEL,
    templateName: "TabularWeightsHashed",
    onnxPath: path.join(CACHE, "model.int8.onnx"),
    modelDir: CACHE,
    circuitPath: path.join(CACHE, "circuit.circom"),
    visibility: { weights: "hashed" }, nonce: true, check: { randomInputs: 16 },
  });
  await setupModelCircuit(CACHE, built.r1cs);
}

/** Copies the built model into `modelsDir`/<HASHED_MODEL> and proves both statements there. */
export async function zeroWeightsFixture(modelsDir: string): Promise<ZeroWeightsFixture> {
  const dir = path.join(modelsDir, HASHED_MODEL);
  await withFileLock(`${CACHE}.lock`, buildCached);
  mkdirSync(modelsDir, { recursive: true });
  cpSync(CACHE, dir, { recursive: true });
  const { model, build: built, setup } = await prepareModel(dir);
  const graph = readOnnx(readFileSync(model.onnxPath));
  const base = openModelDir(BASE_MODEL).manifest;
  const input = Array.from(quantizeInput(testSamples(datasetOf(base), 1)[0].x, base.input.shift));
  const weights = model.manifest.weightInputs!;
  // Of the two extreme biases, the one whose output is farthest from the honest output.
  const honestOutput = evaluate(graph, input);
  const size = graph.initializers.get(weights.at(-1)!.tensor)!.data.length;
  const distance = (out: number[]) => out.reduce((a, v, i) => a + Math.abs(v - honestOutput[i]), 0);
  const [forgedBias, forgedOutput] = [FORGED_BIAS, -FORGED_BIAS]
    .map((b) => Array<number>(size).fill(b))
    .map((b) => [b, evaluate(zeroWeightsGraph(graph, weights, b), input)] as const)
    .reduce((best, c) => (distance(c[1]) > distance(best[1]) ? c : best));
  const honestInputs = circuitInputs(model.manifest, input, { graph }) as Record<string, bigint[]>;
  const forgedInputs: Record<string, bigint[]> = { ...honestInputs };
  for (const w of weights) forgedInputs[w.signal] = honestInputs[w.signal].map(() => 0n);
  forgedInputs[weights.at(-1)!.signal] = forgedBias.map(BigInt);
  return {
    model,
    modelsDir,
    zkeyPath: setup.zkeyPath,
    wasmPath: built.wasm,
    vkey: JSON.parse(readFileSync(setup.vkeyPath, "utf8")),
    input,
    forgedOutput,
    honest: await proveGroth16(setup.zkeyPath, built.wasm, honestInputs),
    forged: await proveGroth16(setup.zkeyPath, built.wasm, forgedInputs),
    inputs: { honest: honestInputs, forged: forgedInputs },
  };
}

function evaluate(graph: Graph, input: number[]): number[] {
  return evaluateOutput(graph, { [graph.inputs[0].name]: { dtype: "int8", dims: [1, input.length], data: input } }).data;
}

/**
 * The value the last bias is added into, for `input` (what the last bias must equal, with all
 * weights zero, for every later op to give the same output).
 */
export function lastBiasSum(graph: Graph, weights: WeightInput[], input: number[]): number[] {
  const bias = weights.at(-1)!.tensor;
  const reader = graph.nodes.find((n) => n.inputs.includes(bias));
  if (!reader) throw new Error(`no node reads the last bias ${bias}`);
  const values = evaluateGraph(graph, { [graph.inputs[0].name]: { dtype: "int8", dims: [1, input.length], data: input } });
  return values.get(reader.outputs[0])!.data;
}

/** `graph` with every committed weight zero and the last bias set to `bias` (a copy). */
export function zeroWeightsGraph(graph: Graph, weights: WeightInput[], bias: number[]): Graph {
  const initializers = new Map(graph.initializers);
  for (const w of weights) {
    const t = graph.initializers.get(w.tensor)!;
    initializers.set(w.tensor, { ...t, data: new (t.data.constructor as new (n: number) => Int8Array)(t.data.length) });
  }
  const last = weights.at(-1)!.tensor;
  const t = graph.initializers.get(last)!;
  if (t.data.length !== bias.length) throw new Error(`${last}: ${t.data.length} values, the forged bias has ${bias.length}`);
  initializers.set(last, { ...t, data: Int32Array.from(bias) });
  return { ...graph, initializers };
}
