/**
 * The model registry of the service: every configured model folder, built (circuit compiled)
 * and set up (Groth16, development powers of tau) if missing, both cached under the model's
 * build/ folder, with its onnxruntime session open. A setup installed by a ceremony is used
 * as it is; whether a model's key is trusted is part of its ModelInfo. The service loads them one
 * by one in the background (model-registry.ts keeps their states): a large model's first setup
 * takes minutes, and config.models limits which examples are loaded.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { openModelDir, type ModelDir } from "../../prover/model-dir.ts";
import { isTrusted, devPtau, summarize } from "../../prover/setup.ts";
import { prepareModel } from "../../prover/prepare-model.ts";
import { readOnnx } from "../../prover/onnx/proto.ts";
import { weightsCommitmentMismatch } from "../../prover/model-commitments.ts";
import type { ServiceConfig } from "../config/index.ts";
import { ConfigError } from "../config/index.ts";
import { openSession, type ModelSession } from "../engine/index.ts";
import { paymentInfo } from "../settlement/pricing.ts";
import type { ModelInfo } from "../core/types.ts";
import { onnxCid } from "../../prover/content-id.ts";
import { floatRange } from "../../prover/input-values.ts";
import { cardFields } from "./model-card.ts";
import type { ServiceLogger } from "../core/logger.ts";

export interface LoadedModel {
  info: ModelInfo;
  dir: ModelDir;
  /** The input dims onnxruntime is run with (symbolic dims as 1). */
  dims: number[];
  wasmPath: string;
  zkeyPath: string;
  vkey: unknown;
  session: ModelSession;
  /** The worker reads the weights itself, only when the circuit takes them as inputs. */
  needsWeights: boolean;
}

/**
 * Model folder names to load: the configured list (each checked), or with "all" every folder
 * with a manifest whose circuit is at most maxAutoConstraints (the others are logged as skipped).
 */
export function modelNames(config: ServiceConfig, log?: ServiceLogger): string[] {
  if (!existsSync(config.modelsDir)) throw new ConfigError(`options.modelsDir: ${config.modelsDir} does not exist`);
  const all = readdirSync(config.modelsDir).filter((d) => existsSync(path.join(config.modelsDir, d, "manifest.json"))).sort();
  if (config.models === "all") {
    return all.filter((d) => {
      const n = openModelDir(path.join(config.modelsDir, d)).manifest.circuit.constraints;
      const keep = n <= config.maxAutoConstraints;
      if (!keep) log?.info(`model ${d}: ${n} constraints, over options.maxAutoConstraints (${config.maxAutoConstraints}); not loaded (list it in options.models to serve it)`);
      return keep;
    });
  }
  config.models.forEach((m, i) => {
    if (!all.includes(m)) throw new ConfigError(`options.models[${i}]: no model folder "${m}" with a manifest.json in ${config.modelsDir} (found: ${all.join(", ") || "none"})`);
  });
  return config.models;
}

const numericShape = (s: (number | string)[]) => s.map((d) => (typeof d === "number" ? d : 1));

/** A model folder's name or path (a path with a manifest.json wins, as for the CLI). */
export async function loadModel(name: string, config: ServiceConfig, log: ServiceLogger): Promise<LoadedModel> {
  const dir = openModelDir(existsSync(path.join(name, "manifest.json")) ? name : path.join(config.modelsDir, name));
  const m = dir.manifest;
  const t0 = Date.now();
  log.info(`model ${m.name}: ${m.circuit.constraints} constraints; building the circuit and setup if missing ...`);
  const { build, setup } = await prepareModel(dir, { ptau: devPtau(config.devPtauDir), log: { info: (msg) => log.info(`model ${m.name}: ${msg}`) } });
  const onnx = readFileSync(dir.onnxPath);
  const needsWeights = (m.weightInputs ?? []).length > 0;
  if (needsWeights) {
    // Fail at start, not in a worker, if the weights cannot be read or are not the manifest's.
    const stale = await weightsCommitmentMismatch(m, readOnnx(onnx));
    if (stale) throw new ConfigError(stale);
  }
  const session = await openSession(onnx, config.executionProviders, log, `model ${m.name}`);
  const card = cardFields(m, dir.dir);
  const info: ModelInfo = {
    id: m.modelId,
    cid: await onnxCid(onnx),
    name: m.name,
    input: {
      name: m.input.name, shape: numericShape(m.input.shape), dtype: "int8", shift: m.input.shift,
      quantization: String((m.input as { quantization?: string }).quantization ?? "q = clamp(round_half_away_from_zero(x * 2^shift), -128, 127)"),
      floatRange: floatRange(m.input.shift), preprocessing: card.preprocessing,
    },
    output: { name: m.output.name, shape: numericShape(m.output.shape), dtype: m.output.dtype, shift: m.output.shift, ...(card.decision ? { decision: card.decision } : {}) },
    ...(card.labels ? { labels: card.labels } : {}),
    ...(card.architecture ? { architecture: card.architecture } : {}),
    ...(card.accuracy ? { accuracy: card.accuracy } : {}),
    visibility: m.visibility,
    publicSignals: m.publicSignals,
    constraints: m.circuit.constraints,
    proofSystem: "groth16",
    circuitHash: setup.circuitHash,
    vkeyHash: setup.vkeyHash,
    // Recomputed with the published-list rule, never the stored boolean. It is still the
    // operator's record (the server does not re-verify the transcript); zkinfer deploy --ptau does.
    trusted: isTrusted(setup.ptau, setup.contributions),
    setup: summarize(setup),
    // Without a chain yet: createService fills in the chain's terms once settlement is up.
    payment: paymentInfo(config.chain, { id: m.modelId, name: m.name, visibility: m.visibility }, undefined),
  };
  if (typeof m.verifierAddress === "string") info.verifierAddress = m.verifierAddress;
  if (m.weightsCommitment !== undefined) info.weightsCommitment = m.weightsCommitment;
  log.info(`model ${m.name} (${m.modelId.slice(0, 12)}) ready in ${Date.now() - t0} ms${setup.cached ? " (cached setup)" : ""}, onnxruntime on ${session.provider}`);
  return {
    info,
    dir,
    dims: info.input.shape,
    wasmPath: build.wasm,
    zkeyPath: setup.zkeyPath,
    vkey: JSON.parse(readFileSync(setup.vkeyPath, "utf8")),
    session,
    needsWeights,
  };
}

/**
 * Folders of the configured models: modelsDir's (filtered by options.models), then each
 * options.modelDirs entry, a model folder or a folder of model folders. A path that is neither
 * is a ConfigError naming the option; a folder with a bad manifest is left to its load to fail.
 */
export function modelFolders(config: ServiceConfig, log?: ServiceLogger): string[] {
  const out = modelNames(config, log).map((n) => path.join(config.modelsDir, n));
  config.modelDirs.forEach((d, i) => {
    const where = `options.modelDirs[${i}] (zkinfer serve --models, ZKINFER_MODEL_DIRS)`;
    if (!existsSync(d)) throw new ConfigError(`${where}: ${d} does not exist`);
    if (existsSync(path.join(d, "manifest.json"))) return void out.push(path.resolve(d));
    let inner: string[] = [];
    try {
      inner = readdirSync(d).sort().map((x) => path.resolve(d, x)).filter((x) => existsSync(path.join(x, "manifest.json")));
    } catch (e) {
      throw new ConfigError(`${where}: ${d} is not a readable folder (${(e as Error).message})`);
    }
    if (!inner.length) throw new ConfigError(`${where}: ${d} is not a model folder: no manifest.json in it or in any folder directly inside it`);
    out.push(...inner);
  });
  return out;
}
