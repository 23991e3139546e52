/**
 * Where compile writes a model's generated circuit when the caller does not say: the file the
 * folder's manifest already names (files.circuit), so recompiling keeps a folder's layout, else
 * <modelDir>/<name>.circom, so a new model folder holds its own circuit.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { ProverError } from "../errors.ts";

/**
 * A manifest may name a file outside its folder only if that file exists (the clone's example
 * models keep theirs in circuits/generated/): a manifest copied from elsewhere cannot make
 * compile create a file wherever it says.
 */
export function defaultCircuitPath(modelDir: string, name: string): string {
  const manifestPath = path.join(modelDir, "manifest.json");
  if (!existsSync(manifestPath)) return path.join(modelDir, `${name}.circom`);
  let circuit: unknown;
  try {
    circuit = (JSON.parse(readFileSync(manifestPath, "utf8")) as { files?: { circuit?: unknown } }).files?.circuit;
  } catch (e) {
    throw new ProverError(`${manifestPath}: not valid JSON (${(e as Error).message})`);
  }
  if (circuit === undefined) return path.join(modelDir, `${name}.circom`);
  if (typeof circuit !== "string" || !circuit.endsWith(".circom")) throw new ProverError(`${manifestPath}: files.circuit must name a .circom file, got ${JSON.stringify(circuit)}`);
  const file = path.resolve(modelDir, circuit);
  const rel = path.relative(path.resolve(modelDir), file);
  if ((rel.startsWith("..") || path.isAbsolute(rel)) && !existsSync(file)) {
    throw new ProverError(`${manifestPath}: files.circuit "${circuit}" lies outside the model folder and does not exist; name the circuit file explicitly (--circuit) to write it there`);
  }
  return file;
}

/** A model's name: lower-case letters, digits and dashes (it names files and URLs). */
export const MODEL_NAME = /^[a-z0-9][a-z0-9-]*$/;

/** The circom template of a model: its name in CamelCase ("digits-mlp" → "DigitsMlp"). */
export function templateNameFor(name: string): string {
  return name.replace(/(^|[^a-zA-Z0-9])([a-zA-Z0-9])/g, (_, __, c: string) => c.toUpperCase());
}
