/**
 * Compiles one model end to end: integer ONNX → <name>.circom (in the model folder unless its
 * manifest or the caller names another place) → r1cs and
 * witness wasm under <modelDir>/build → differential check against onnxruntime → manifest.json.
 * The circom compile is skipped when the generated source (and so the circuit) did not change.
 * The circuit and its build are staged and moved into place only once the check passed, so a
 * refused graph leaves every file as it was.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readOnnx } from "../onnx/proto.ts";
import { compileCircom, circomVersion } from "../circom.ts";
import { readR1cs } from "../r1cs.ts";
import { readSym } from "../sym.ts";
import { compileToCircom, DEFAULT_BIAS_BITS, NONCE_ID_TAG, type Visibility } from "./compile.ts";
import { differentialCheck, type DifferentialOptions } from "./differential.ts";
import { buildFiles, buildHash, isFreshBuild, stageCircuit } from "./build.ts";
import { toolVersions } from "../versions.ts";
import { defaultCircuitPath } from "./circuit-path.ts";
import { committedWeights } from "../inputs.ts";
import { withFileLock } from "../file-lock.ts";
import { weightsCommitment } from "../commitment.ts";

export interface CompileModelOptions {
  name: string;
  templateName: string;
  onnxPath: string;
  modelDir: string;
  /**
   * Where the generated .circom goes; default: where the folder's manifest already puts it
   * (files.circuit), else <modelDir>/<name>.circom, so a new model folder is self-contained.
   */
  circuitPath?: string;
  visibility?: Partial<Visibility>;
  /** Adds the public input `nonce` (compile.ts NONCE_SIGNAL), e.g. for oracle feeds; default false. */
  nonce?: boolean;
  /** Merged into the manifest (quantization report, accuracy, recipe). */
  extra?: Record<string, unknown>;
  /** The differential check against onnxruntime (random inputs, seed). */
  check?: DifferentialOptions;
  log?: (msg: string) => void;
}

export interface ModelArtifacts {
  manifestPath: string;
  circuitPath: string;
  r1cs: string;
  wasm: string;
  circuitHash: string;
  constraints: number;
}

export const sha256 = (b: Uint8Array | string) => createHash("sha256").update(b).digest("hex");

export function buildDir(modelDir: string): string {
  return path.join(modelDir, "build");
}

/**
 * Compiles a .circom file into outDir (r1cs, witness wasm, sym) unless a build of the same
 * source (and library, compiler, flags) is already there. Builds go to a temporary folder and
 * are renamed into place, so concurrent callers (parallel test files) never see half a build.
 */
export async function ensureCircuitBuild(circuitPath: string, outDir: string, log: (m: string) => void = () => {}) {
  const sourceHash = buildHash(readFileSync(circuitPath, "utf8"));
  const name = path.basename(circuitPath, ".circom");
  const files = (dir: string) => buildFiles(dir, name);
  const f = files(outDir);
  const fresh = () => isFreshBuild(outDir, name, sourceHash);
  if (fresh()) {
    log(`circuit unchanged (${sourceHash.slice(0, 12)}), not recompiled`);
    return { ...f, sourceHash };
  }
  // Processes building the same circuit at once (test files, a server and a CLI) take turns:
  // the later ones find the build made and skip the compile.
  mkdirSync(path.dirname(outDir), { recursive: true });
  return withFileLock(`${outDir}.lock`, async () => {
    if (fresh()) {
      log(`circuit unchanged (${sourceHash.slice(0, 12)}), built meanwhile by another process`);
      return { ...f, sourceHash };
    }
    const tmp = `${outDir}.tmp-${process.pid}-${Date.now()}`;
    log(`compiling ${path.relative(process.cwd(), circuitPath)} with circom (circom2 ${circomVersion()}) ...`);
    const t0 = Date.now();
    await compileCircom(circuitPath, tmp);
    writeFileSync(files(tmp).stamp, sourceHash);
    log(`compiled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    if (!fresh()) {
      rmSync(outDir, { recursive: true, force: true });
      try {
        renameSync(tmp, outDir);
      } catch {
        // Another process renamed its build into place first; both builds are identical.
      }
    }
    rmSync(tmp, { recursive: true, force: true });
    return { ...f, sourceHash };
  });
}

/** Constraints summed by op type (the manifest's per-op view; perNode has every node). */
export function perOpType(costs: { opType: string; constraints: number }[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const c of costs) out[c.opType] = (out[c.opType] ?? 0) + c.constraints;
  return out;
}

export async function compileModelFile(o: CompileModelOptions): Promise<ModelArtifacts> {
  const log = o.log ?? (() => {});
  const onnxBytes = readFileSync(o.onnxPath);
  const graph = readOnnx(onnxBytes);
  const compiled = compileToCircom(graph, { templateName: o.templateName, visibility: o.visibility, nonce: o.nonce });
  const circuitPath = o.circuitPath ?? defaultCircuitPath(o.modelDir, o.name);
  const staged = await stageCircuit(compiled.source, circuitPath, path.join(buildDir(o.modelDir), "circuit"), log);
  let r: ReturnType<typeof readR1cs>;
  let check: Record<string, unknown>;
  try {
    r = readR1cs(staged.build.r1cs);
    const seed = o.check?.seed ?? parseInt(sha256(onnxBytes).slice(0, 8), 16);
    const c = await differentialCheck({ onnx: onnxBytes, graph, compiled, wasm: staged.build.wasm, r1cs: r, sym: readSym(staged.build.sym) }, seed, o.check);
    log(`differential check: onnxruntime and the circuit agree on ${c.inputs} inputs (seed ${c.seed}, ${c.msPerInput.toFixed(1)} ms per input)`);
    if (c.probe) log(`soundness probe: none of ${c.probe.wires} output and intermediate wires can change alone (${c.probe.benign} IsZero inverses of zero are free and benign; ${c.probe.ms} ms)`);
    // What the check tried, so a manifest tells how far its circuit was checked (0 random inputs, a chosen seed).
    check = {
      inputs: c.inputs,
      extremes: c.extremes,
      randomInputs: c.randomInputs,
      seed: c.seed,
      seedFrom: o.check?.seed === undefined ? "the first 32 bits of modelId" : "given",
      constraintsCheckedOn: "extremes",
      ...(c.probe ? { soundnessProbe: { wires: c.probe.wires, benignFree: c.probe.benign } } : {}),
    };
  } catch (e) {
    staged.discard();
    throw e;
  }
  const { r1cs, wasm, sourceHash } = staged.commit();
  const circuitHash = sha256(readFileSync(r1cs));
  const ioDims = (i: number, list: typeof graph.inputs) => list[i].dims;
  // Hashed weights: the circuit proves "some weights with this commitment", so the manifest must
  // say which commitment is this model's, or a proof with any other weights would pass as its.
  const hashedWeights = compiled.weightInputs.length
    ? {
        weightInputs: compiled.weightInputs.map(({ signal, tensor }) => ({ signal, tensor })),
        biasBits: DEFAULT_BIAS_BITS,
        weightsCommitment: String(await weightsCommitment(committedWeights(compiled, graph, DEFAULT_BIAS_BITS))),
      }
    : {};
  const manifest = {
    name: o.name,
    // With a nonce: sha256(ONNX bytes || utf8 NONCE_ID_TAG), another circuit's id.
    modelId: o.nonce ? sha256(Buffer.concat([onnxBytes, Buffer.from(NONCE_ID_TAG, "utf8")])) : sha256(onnxBytes),
    files: {
      float: "model.float.onnx",
      integer: path.basename(o.onnxPath),
      circuit: path.relative(o.modelDir, circuitPath),
    },
    input: {
      name: graph.inputs[0].name,
      shape: ioDims(0, graph.inputs),
      dtype: "int8",
      shift: Number(graph.metadata["zkinfer.input_shift"] ?? 0),
      quantization: "q = clamp(round_half_away_from_zero(x * 2^shift), -128, 127)",
    },
    output: {
      name: graph.outputs[0].name,
      shape: ioDims(0, graph.outputs),
      dtype: graph.outputs[0].dtype,
      shift: Number(graph.metadata["zkinfer.output_shift"] ?? 0),
      // An ArgMax output (int64) is an index along its axis, not a scaled value.
      // The quantizer names an activation output (e.g. a Sigmoid's probability) in the metadata.
      meaning: graph.outputs[0].dtype === "int64" ? "index of the maximum (ArgMax)" : graph.metadata["zkinfer.output_meaning"] ?? "logits; value = q / 2^shift",
    },
    visibility: compiled.visibility,
    publicSignals: compiled.publicSignals,
    ...hashedWeights,
    circuit: {
      template: o.templateName,
      hash: circuitHash,
      sourceHash,
      constraints: r.nConstraints,
      wires: r.nWires,
      estimatedConstraints: compiled.estimatedConstraints,
      perOpType: perOpType(compiled.costs),
      perNode: compiled.costs,
    },
    differentialCheck: check,
    proofSystem: "groth16",
    tools: toolVersions(),
    ...o.extra,
  };
  const manifestPath = path.join(o.modelDir, "manifest.json");
  const manifestTmp = `${manifestPath}.tmp-${process.pid}`;
  const previous = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")) : {};
  // The setup section is written by `zkinfer setup`; keep it while the circuit is the same.
  const setup = previous.circuit?.hash === circuitHash ? previous.setup : undefined;
  // Fields from the recipe (quantization, accuracy, recipe) are kept when not given again.
  const kept = { quantization: previous.quantization, accuracy: previous.accuracy, recipe: previous.recipe };
  writeFileSync(manifestTmp, JSON.stringify({ ...kept, ...manifest, ...(setup ? { setup } : {}) }, null, 2) + "\n");
  renameSync(manifestTmp, manifestPath); // never half a manifest
  log(`${o.name}: ${r.nConstraints} constraints (estimated ${compiled.estimatedConstraints}), circuit ${circuitHash.slice(0, 12)}`);
  return { manifestPath, circuitPath, r1cs, wasm, circuitHash, constraints: r.nConstraints };
}
