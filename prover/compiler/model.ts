/**
 * Compiles one model end to end: integer ONNX → circuits/generated/<name>.circom → r1cs and
 * witness wasm under <modelDir>/build → manifest.json. The circom compile is skipped when the
 * generated source (and so the circuit) did not change.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readOnnx } from "../onnx/proto.ts";
import { compileCircom, circomVersion, REPO_ROOT, CIRCOM_FLAGS } from "../circom.ts";
import { readR1cs } from "../r1cs.ts";
import { compileToCircom } from "./compile.ts";
import { toolVersions } from "../versions.ts";

export interface CompileModelOptions {
  name: string;
  templateName: string;
  onnxPath: string;
  modelDir: string;
  /** Where the generated .circom goes; default circuits/generated/<name>.circom. */
  circuitPath?: string;
  /** Merged into the manifest (quantization report, accuracy, recipe). */
  extra?: Record<string, unknown>;
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

export async function compileModelFile(o: CompileModelOptions): Promise<ModelArtifacts> {
  const log = o.log ?? (() => {});
  const onnxBytes = readFileSync(o.onnxPath);
  const graph = readOnnx(onnxBytes);
  const compiled = compileToCircom(graph, { templateName: o.templateName });
  const circuitPath = o.circuitPath ?? path.join(REPO_ROOT, "circuits", "generated", `${o.name}.circom`);
  mkdirSync(path.dirname(circuitPath), { recursive: true });
  writeFileSync(circuitPath, compiled.source);

  // The compile is keyed by everything that determines the r1cs: sources, compiler, flags.
  const lib = readFileSync(path.join(REPO_ROOT, "circuits", "lib", "zkinfer.circom"), "utf8");
  const sourceHash = sha256([compiled.source, lib, circomVersion(), CIRCOM_FLAGS.join(" ")].join("\0"));
  const out = path.join(buildDir(o.modelDir), "circuit");
  const name = path.basename(circuitPath, ".circom");
  const stamp = path.join(out, "source.sha256");
  let r1cs = path.join(out, `${name}.r1cs`), wasm = path.join(out, `${name}_js`, `${name}.wasm`);
  if (!existsSync(stamp) || readFileSync(stamp, "utf8") !== sourceHash || !existsSync(r1cs) || !existsSync(wasm)) {
    log(`compiling ${path.relative(REPO_ROOT, circuitPath)} with circom ${circomVersion()} ...`);
    const t0 = Date.now();
    ({ r1cs, wasm } = await compileCircom(circuitPath, out));
    writeFileSync(stamp, sourceHash);
    log(`compiled in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } else {
    log(`circuit unchanged (${sourceHash.slice(0, 12)}), not recompiled`);
  }
  const r = readR1cs(r1cs);
  const circuitHash = sha256(readFileSync(r1cs));
  const ioDims = (i: number, list: typeof graph.inputs) => list[i].dims;
  const manifest = {
    name: o.name,
    modelId: sha256(onnxBytes),
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
      dtype: "int32",
      shift: Number(graph.metadata["zkinfer.output_shift"] ?? 0),
      meaning: "logits; value = q / 2^shift",
    },
    visibility: { weights: "fixed", input: "hashed", output: "public" },
    publicSignals: ["inputCommitment", ...Array.from({ length: compiled.outputSize }, (_, i) => `out[${i}]`)],
    circuit: {
      hash: circuitHash,
      sourceHash,
      constraints: r.nConstraints,
      wires: r.nWires,
      estimatedConstraints: compiled.estimatedConstraints,
      perNode: compiled.costs,
    },
    proofSystem: "groth16",
    tools: toolVersions(),
    ...o.extra,
  };
  const manifestPath = path.join(o.modelDir, "manifest.json");
  const previous = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, "utf8")) : {};
  // The setup section is written by `zkinfer setup`; keep it while the circuit is the same.
  const setup = previous.circuit?.hash === circuitHash ? previous.setup : undefined;
  writeFileSync(manifestPath, JSON.stringify({ ...manifest, ...(setup ? { setup } : {}) }, null, 2) + "\n");
  log(`${o.name}: ${r.nConstraints} constraints (estimated ${compiled.estimatedConstraints}), circuit ${circuitHash.slice(0, 12)}`);
  return { manifestPath, circuitPath, r1cs, wasm, circuitHash, constraints: r.nConstraints };
}
