/**
 * A model's circuit must be the one its ONNX compiles to. The differential check at compile
 * time vouches only for the circuit the compiler generated; the server, prove, setup and the
 * ceremony build whatever .circom the manifest points to, so an edited file (one constraint
 * removed, an output left free) would otherwise be proven and served as the model. Before a
 * build is used, the circuit is generated again from the ONNX (template and visibility from the
 * manifest) and must equal the file byte for byte; the built r1cs must then hash to the
 * manifest's circuit.hash (the one the check ran on and the setup was made for).
 */
import { existsSync, readFileSync } from "node:fs";
import { readOnnx } from "./onnx/proto.ts";
import { compileToCircom, type Visibility } from "./compiler/compile.ts";
import { hasNonce } from "./inputs.ts";
import { sha256 } from "./compiler/model.ts";
import { ProverError } from "./errors.ts";

/** What the checks read of a model folder; model-dir.ts's ModelDir has it (and calls these checks). */
export interface CircuitFiles {
  onnxPath: string;
  circuitPath: string;
  manifest: {
    name: string;
    visibility: { weights: string; input: string; output: string };
    publicSignals: string[];
    circuit: { hash: string; template: string };
  };
}

/**
 * Contents already found equal in this process: generating a large circuit takes seconds
 * (fmnist-lenet5), and a server or a test loads the same model more than once. Keyed by the
 * contents themselves, never by path or a file on disk an editor of the circuit could write too.
 */
const checked = new Set<string>();

/** Throws naming the circuit file when it is not what the model's ONNX compiles to. */
export function requireGeneratedCircuit(m: CircuitFiles): void {
  const man = m.manifest;
  if (!existsSync(m.onnxPath)) throw new ProverError(`model ${man.name}: its integer ONNX ${m.onnxPath} (manifest files.integer) does not exist, so its circuit cannot be checked against it`);
  if (!existsSync(m.circuitPath)) throw new ProverError(`model ${man.name}: its circuit ${m.circuitPath} (manifest files.circuit) does not exist`);
  const onnx = readFileSync(m.onnxPath);
  const source = readFileSync(m.circuitPath, "utf8");
  const nonce = hasNonce(man); // the layout says whether it was compiled with --nonce
  const key = [sha256(onnx), sha256(source), man.circuit.template, JSON.stringify(man.visibility), nonce].join(" ");
  if (checked.has(key)) return;
  const compiled = compileToCircom(readOnnx(onnx), { templateName: man.circuit.template, visibility: man.visibility as Visibility, nonce });
  if (source !== compiled.source) {
    throw new ProverError(`${m.circuitPath}: not the circuit ${m.onnxPath} compiles to (template ${man.circuit.template}, visibility ${JSON.stringify(man.visibility)}${nonce ? ", with a nonce" : ""}); the file was edited or is stale: run zkinfer compile again`);
  }
  checked.add(key);
}

/** Throws naming the r1cs when the built circuit is not the one the manifest records. */
export function requireManifestR1cs(m: CircuitFiles, r1csPath: string): void {
  const actual = sha256(readFileSync(r1csPath));
  if (actual !== m.manifest.circuit.hash) {
    throw new ProverError(`${r1csPath} (built from ${m.circuitPath}): sha256 ${actual} is not the manifest's circuit.hash ${m.manifest.circuit.hash}: run zkinfer compile again`);
  }
}
