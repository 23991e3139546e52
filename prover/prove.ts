/**
 * Proving and verifying with snarkjs' Groth16, plus the decoding of public signals into the
 * model's terms: [inputCommitment, ...outputs as signed integers].
 */
import { readFileSync } from "node:fs";
import { ProverError } from "./errors.ts";
import { fromField } from "./field.ts";
import { loadSnarkjs, type Groth16Proof } from "./snarkjs.ts";
import { calculateWtns } from "./witness.ts";

export interface ProofResult {
  proof: Groth16Proof;
  publicSignals: string[];
}

export async function proveGroth16(zkeyPath: string, wasmPath: string, input: ArrayLike<number>): Promise<ProofResult> {
  const snarkjs = await loadSnarkjs();
  const wtns = await calculateWtns(wasmPath, input);
  const zkey = readFileSync(zkeyPath);
  return snarkjs.groth16.prove(new Uint8Array(zkey.buffer, zkey.byteOffset, zkey.byteLength), { type: "mem", data: wtns });
}

export async function verifyGroth16(vkey: unknown, publicSignals: string[], proof: Groth16Proof): Promise<boolean> {
  const snarkjs = await loadSnarkjs();
  if (!Array.isArray(publicSignals) || publicSignals.some((s) => typeof s !== "string" || !/^\d+$/.test(s))) {
    throw new ProverError("publicSignals must be an array of decimal strings");
  }
  return snarkjs.groth16.verify(vkey, publicSignals, proof);
}

/** Splits public signals as the compiler lays them out. */
export function decodePublicSignals(publicSignals: string[]): { inputCommitment: bigint; output: bigint[] } {
  if (publicSignals.length < 1) throw new ProverError("publicSignals is empty");
  return { inputCommitment: BigInt(publicSignals[0]), output: publicSignals.slice(1).map((s) => fromField(s)) };
}
