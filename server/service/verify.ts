/**
 * POST /verify's checks: a proof and public signals from a client are untrusted JSON, so their
 * shape is checked field by field (INVALID_ARGUMENT naming e.g. "proof.pi_b[1][0]") before
 * snarkjs sees them; a well-formed proof that does not verify is `false`, not an error.
 */
import type { Groth16Proof } from "../../prover/snarkjs.ts";
import { BN254_Q, BN254_R } from "../../prover/field.ts";
import { ServiceError } from "../core/types.ts";

/** bn128 base field (proof coordinates) and scalar field (public signals). */
const Q = BN254_Q;
const R = BN254_R;

const bad = (field: string, message: string) => new ServiceError("INVALID_ARGUMENT", `${field}: ${message}`, field);

function decimal(v: unknown, field: string, modulus: bigint, what: string): string {
  if (typeof v !== "string" || !/^\d{1,78}$/.test(v)) throw bad(field, `expected a decimal string, got ${JSON.stringify(v)?.slice(0, 40)}`);
  if (BigInt(v) >= modulus) throw bad(field, `expected an element of the ${what} (< ${modulus})`);
  return v;
}

function point(v: unknown, field: string, coords: number, pairs: boolean): unknown[] {
  if (!Array.isArray(v) || v.length !== coords) throw bad(field, `expected an array of ${coords} ${pairs ? "pairs of decimal strings" : "decimal strings"}`);
  return v.map((c, i) => {
    if (!pairs) return decimal(c, `${field}[${i}]`, Q, "base field");
    if (!Array.isArray(c) || c.length !== 2) throw bad(`${field}[${i}]`, "expected a pair of decimal strings");
    return c.map((x, j) => decimal(x, `${field}[${i}][${j}]`, Q, "base field"));
  });
}

export function checkProofShape(proof: unknown): Groth16Proof {
  if (typeof proof !== "object" || proof === null || Array.isArray(proof)) throw bad("proof", "expected a Groth16 proof object { pi_a, pi_b, pi_c, protocol, curve }");
  const p = proof as Record<string, unknown>;
  if (p.protocol !== undefined && p.protocol !== "groth16") throw bad("proof.protocol", `expected "groth16", got ${JSON.stringify(p.protocol)}`);
  if (p.curve !== undefined && p.curve !== "bn128") throw bad("proof.curve", `expected "bn128", got ${JSON.stringify(p.curve)}`);
  return {
    pi_a: point(p.pi_a, "proof.pi_a", 3, false) as string[],
    pi_b: point(p.pi_b, "proof.pi_b", 3, true) as string[][],
    pi_c: point(p.pi_c, "proof.pi_c", 3, false) as string[],
    protocol: "groth16",
    curve: "bn128",
  };
}

export function checkPublicSignals(signals: unknown, expected: number): string[] {
  if (!Array.isArray(signals) || signals.length !== expected) throw bad("publicSignals", `expected an array of ${expected} decimal strings`);
  return signals.map((s, i) => decimal(s, `publicSignals[${i}]`, R, "scalar field"));
}
