/**
 * The risk model of the lending-pool example: the zoo's tabular-breast-cancer (a malignancy risk
 * in [0, 1] as int8 at scale 2^7, from 30 standardised features) compiled again with a `nonce`
 * public input, because ProvenOracle reads a proof's nonce as the time of the observation: a
 * value proved at time t says so forever, so an old score cannot pass as a fresh one.
 * This is what `zkinfer compile models/tabular-breast-cancer/model.int8.onnx --nonce` does, in a
 * folder of the data directory (the committed model folder is not touched).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { compileModel, defaultPaths, openModelDir, prepareModel, proveModel, type ModelDir, type ModelProof } from "../../api/index.ts";
import { compileToCircom, NONCE_ID_TAG } from "../../prover/compiler/compile.ts";
import { readOnnx } from "../../prover/onnx/proto.ts";
import { toInt8Input } from "../../prover/input-values.ts";
import { withFileLock } from "../../prover/file-lock.ts";

export const BASE_MODEL = "tabular-breast-cancer";
const NAME = `${BASE_MODEL}-nonce`;
const TEMPLATE = "TabularBreastCancerNonce";

/** Compiles (once) and sets up (development powers of tau: a local demo, never trusted) the model with a nonce. */
export async function readyScoreModel(log: (m: string) => void = () => {}): Promise<ModelDir> {
  const base = openModelDir(BASE_MODEL);
  const dir = path.join(defaultPaths().dataDir, "examples", "lending-pool", NAME);
  const onnxPath = path.join(dir, "model.int8.onnx");
  const onnx = readFileSync(base.onnxPath);
  // The id compileModel gives a nonce variant: a manifest with it was compiled from these bytes.
  const expectedId = createHash("sha256").update(Buffer.concat([onnx, Buffer.from(NONCE_ID_TAG, "utf8")])).digest("hex");
  const manifestPath = path.join(dir, "manifest.json");
  const circuitPath = path.join(dir, `${NAME}.circom`);
  // What this compiler makes of the ONNX now (milliseconds): an older build is compiled again.
  const source = compileToCircom(readOnnx(onnx), { templateName: TEMPLATE, nonce: true }).source;
  // Two processes at once (the example's test and another) take turns: one compiles, the other reuses.
  return withFileLock(`${dir}.lock`, async () => {
    const current = existsSync(manifestPath) && (JSON.parse(readFileSync(manifestPath, "utf8")) as { modelId?: string }).modelId === expectedId
      && existsSync(circuitPath) && readFileSync(circuitPath, "utf8") === source;
    if (!current) {
      mkdirSync(dir, { recursive: true });
      copyFileSync(base.onnxPath, onnxPath);
      log(`compiling ${BASE_MODEL} with a nonce into ${dir} ...`);
      await compileModel({ name: NAME, templateName: TEMPLATE, onnxPath, modelDir: dir, circuitPath, nonce: true, log });
    }
    // snarkjs' setup log (hashes of every contribution) is left out: one line says what happens.
    if (!existsSync(path.join(dir, "build", "setup"))) log("development setup (INSECURE powers of tau: a local demo only) ...");
    return (await prepareModel(dir)).model;
  });
}

/** The position of the risk score (out[0]) among the model's public signals: the feed's outputIndex. */
export function scoreIndex(m: ModelDir): number {
  const i = m.manifest.publicSignals.indexOf("out[0]");
  if (i < 0) throw new Error(`model ${m.manifest.name} has no public out[0]`);
  return i;
}

/** A proof of the model's risk score on `features` (standardised floats) observed at unix time `observedAt`. */
export async function proveScore(m: ModelDir, features: ArrayLike<number>, observedAt: number): Promise<ModelProof> {
  const x = toInt8Input(Array.from(features), m.manifest.input, "float", "features");
  return proveModel(m, x, { nonce: BigInt(observedAt) });
}
