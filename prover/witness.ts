/**
 * Witness generation with the circuit's own WebAssembly (circom_runtime). One calculator is
 * kept per wasm file, so evaluating many inputs does not reload it.
 */
import { readFileSync, statSync } from "node:fs";
import { WitnessCalculatorBuilder } from "circom_runtime";
import { ProverError } from "./errors.ts";

interface Calculator {
  calculateWitness(input: Record<string, unknown>, sanityCheck: boolean): Promise<bigint[]>;
  calculateWTNSBin(input: Record<string, unknown>, sanityCheck: boolean): Promise<Uint8Array>;
}

const calculators = new Map<string, Promise<Calculator>>();

function calculator(wasmPath: string): Promise<Calculator> {
  // Keyed by the file's identity too: a recompiled model replaces its wasm at the same path.
  let key = wasmPath;
  try {
    const s = statSync(wasmPath);
    key = `${wasmPath}\0${s.mtimeMs}\0${s.size}\0${s.ino}`;
  } catch {
    // Missing file: readFileSync below reports it.
  }
  let c = calculators.get(key);
  if (!c) {
    c = WitnessCalculatorBuilder(readFileSync(wasmPath)) as Promise<Calculator>;
    calculators.set(key, c);
  }
  return c;
}

/** A bare int8 vector is the input x of a circuit with fixed weights and a public output. */
function circuitInput(x: ArrayLike<number> | Record<string, unknown>): Record<string, unknown> {
  return isArrayLike(x) ? { x: Array.from(x, (v) => BigInt(v)) } : x;
}

function isArrayLike(x: unknown): x is ArrayLike<number> {
  return Array.isArray(x) || ArrayBuffer.isView(x);
}

/** The full witness as field elements (wire 0 is 1; then public outputs, public and private inputs). */
export async function calculateWitness(wasmPath: string, x: ArrayLike<number> | Record<string, unknown>): Promise<bigint[]> {
  try {
    return await (await calculator(wasmPath)).calculateWitness(circuitInput(x), true);
  } catch (e) {
    throw new ProverError(`witness generation failed (${wasmPath}): ${(e as Error).message}`);
  }
}

/** The witness in snarkjs' .wtns binary format, ready for groth16.prove. */
export async function calculateWtns(wasmPath: string, x: ArrayLike<number> | Record<string, unknown>): Promise<Uint8Array> {
  try {
    return await (await calculator(wasmPath)).calculateWTNSBin(circuitInput(x), true);
  } catch (e) {
    throw new ProverError(`witness generation failed (${wasmPath}): ${(e as Error).message}`);
  }
}
