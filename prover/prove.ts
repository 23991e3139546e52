/**
 * Proving and verifying with snarkjs' Groth16, plus the decoding of public signals into the
 * model's terms: [inputCommitment, ...outputs as signed integers], and the other signals the
 * manifest's layout names (weights / output commitments, a public input, the nonce).
 */
import { readFileSync } from "node:fs";
import { ProverError } from "./errors.ts";
import { BN254_R, fromField } from "./field.ts";
import { loadSnarkjs, type Groth16Proof } from "./snarkjs.ts";
import { calculateWtns } from "./witness.ts";

export interface ProofResult {
  proof: Groth16Proof;
  publicSignals: string[];
}

export async function proveGroth16(zkeyPath: string, wasmPath: string, input: ArrayLike<number> | Record<string, unknown>): Promise<ProofResult> {
  const snarkjs = await loadSnarkjs();
  const wtns = await calculateWtns(wasmPath, input);
  const zkey = readFileSync(zkeyPath);
  return snarkjs.groth16.prove(new Uint8Array(zkey.buffer, zkey.byteOffset, zkey.byteLength), { type: "mem", data: wtns });
}

export async function verifyGroth16(vkey: unknown, publicSignals: string[], proof: Groth16Proof): Promise<boolean> {
  const snarkjs = await loadSnarkjs();
  if (!Array.isArray(publicSignals)) throw new ProverError("publicSignals must be an array of decimal strings", { field: "publicSignals" });
  // Below r, as the server's /verify and the Solidity verifier require: snarkjs would reduce
  // r + v to v, so a file could show a signal that no contract accepts.
  publicSignals.forEach((s, i) => {
    if (typeof s !== "string" || !/^\d{1,78}$/.test(s) || BigInt(s) >= BN254_R) {
      throw new ProverError(`publicSignals[${i}]: expected a decimal field element below BN254 r, got ${JSON.stringify(s)?.slice(0, 90)}`, { field: `publicSignals[${i}]` });
    }
  });
  return snarkjs.groth16.verify(vkey, publicSignals, proof);
}

export interface DecodedSignals {
  inputCommitment?: bigint;
  weightsCommitment?: bigint;
  outputCommitment?: bigint;
  /** The outputs as signed integers (public-output mode). */
  output: bigint[];
  /** The input (public-input mode). */
  input: bigint[];
  /** The nonce the prover fixed (circuits compiled with one); not an output. */
  nonce?: bigint;
}

/** The default layout: hashed input, fixed weights, public outputs. */
const defaultLayout = (n: number) => ["inputCommitment", ...Array.from({ length: n - 1 }, (_, i) => `out[${i}]`)];

/** Names the public signals by the layout the compiler recorded in the manifest (publicSignals). */
export function decodePublicSignals(publicSignals: string[], layout: string[] = defaultLayout(publicSignals.length)): DecodedSignals {
  if (publicSignals.length !== layout.length) throw new ProverError(`expected ${layout.length} public signals, got ${publicSignals.length}`);
  const d: DecodedSignals = { output: [], input: [] };
  layout.forEach((name, i) => {
    const v = publicSignals[i];
    if (name === "inputCommitment" || name === "weightsCommitment" || name === "outputCommitment" || name === "nonce") d[name] = BigInt(v);
    else if (name.startsWith("out[")) d.output.push(fromField(v));
    else if (name.startsWith("x[")) d.input.push(fromField(v));
    else throw new ProverError(`unknown public signal ${name} in the layout`);
  });
  return d;
}
