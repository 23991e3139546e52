// The known exponent of every point snarkjs' newZKey computes, when tau, alpha and beta are
// known. newZKey sums, per signal s, coefficient * (Lagrange point of the constraint's row)
// read from the ptau; with the toxic waste known the same sum is a field element times the
// generator. Rows nConstraints..nConstraints+nPublic hold snarkjs' extra "public input"
// constraints (signal s, coefficient 1, in A only).
import { FR } from "../ptau/field.ts";
import { lagrangeScalars } from "../ptau/scalars.ts";
import type { DevSecrets } from "../ptau/secrets.ts";
import type { R1csTerms } from "./r1cs-terms.ts";

export interface ZkeyExponents {
  /** IC: signals 0..nPublic; C: the others (beta*A + alpha*B + C in both). */
  ic: bigint[];
  c: bigint[];
  a: bigint[];
  /** Used for B1 (G1) and B2 (G2). */
  b: bigint[];
}

/** snarkjs' domain: the smallest 2^p above nConstraints + nPublic (its log2 is floor, plus one). */
export function circuitPower(nConstraints: number, nPublic: number): number {
  return Math.floor(Math.log2(nConstraints + nPublic)) + 1;
}

export function zkeyExponents(r: R1csTerms, s: DevSecrets, power: number): ZkeyExponents {
  const n = 2 ** power;
  const lag = lagrangeScalars(s.tau, 1n, power, 0, n, false);
  // Unreduced sums, reduced once per signal: BigInt additions are cheap, % is not.
  const sums = [0, 1, 2].map(() => new Array<bigint>(r.nVars).fill(0n));
  r.terms.forEach((m, k) => {
    const acc = sums[k];
    for (let i = 0; i < m.signal.length; i++) acc[m.signal[i]] += m.coef[i] * lag[m.constraint[i]];
  });
  const [sa, sb, sc] = sums;
  for (let v = 0; v <= r.nPublic; v++) sa[v] += lag[r.nConstraints + v];
  const a = sa.map((x) => x % FR);
  const b = sb.map((x) => x % FR);
  const mixed = a.map((x, v) => (s.beta * x + s.alpha * b[v] + sc[v]) % FR);
  return { ic: mixed.slice(0, r.nPublic + 1), c: mixed.slice(r.nPublic + 1), a, b };
}

/**
 * How many points snarkjs hashes for H (tau^(i+n) - tau^i, i from 0): its loop takes chunks
 * of 2^14 points, each a full 2^14 even past n - 1, so it hashes n points once n > 2^14,
 * while the count it hashes in front of them says n - 1.
 */
export function hHashCount(n: number): number {
  const chunk = 1 << 14;
  return n - 1 <= chunk ? n - 1 : Math.ceil((n - 1) / chunk) * chunk;
}

/** Section 4's value of a coefficient: c * R^2 mod r in plain form (R = 2^256), as snarkjs writes it. */
export const R2 = ((1n << 256n) % FR) ** 2n % FR;
