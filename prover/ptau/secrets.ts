// The KNOWN toxic waste of a development ptau file: tau, alpha, beta (and the
// proof-of-knowledge key scalars of its one recorded contribution) are derived
// deterministically from a seed string, so the same seed always gives the same file.
// Anyone who knows the seed can forge proofs for any circuit set up with the file.
import { createHash } from "node:crypto";
import { FR } from "./field.ts";

/** Default seed: public on purpose. Files made with it are reproducible and insecure. */
export const DEV_PTAU_SEED = "zkinfer development powers of tau v1 (INSECURE: toxic waste is public)";

export interface DevSecrets {
  tau: bigint;
  alpha: bigint;
  beta: bigint;
  /** Per-key scalars of the contribution's public key: g1_s = s*G1, g2_sp = sp*G2. */
  key: Record<"tau" | "alpha" | "beta", { s: bigint; sp: bigint }>;
}

/** A non-zero Fr element from blake2b-512(label, seed); 512 bits keep the mod-r bias negligible. */
export function deriveScalar(seed: string, label: string): bigint {
  for (let counter = 0; ; counter++) {
    const digest = createHash("blake2b512").update(`zkinfer-dev-ptau\0${label}\0${counter}\0${seed}`).digest("hex");
    const v = BigInt(`0x${digest}`) % FR;
    if (v > 1n) return v; // 0 and 1 would make the file degenerate
  }
}

export function deriveDevSecrets(seed: string): DevSecrets {
  const d = (label: string) => deriveScalar(seed, label);
  return {
    tau: d("tau"),
    alpha: d("alpha"),
    beta: d("beta"),
    key: {
      tau: { s: d("tau.s"), sp: d("tau.sp") },
      alpha: { s: d("alpha.s"), sp: d("alpha.sp") },
      beta: { s: d("beta.s"), sp: d("beta.sp") },
    },
  };
}

/** Short hex tag of a seed, for cache file names (the seed itself may be long). */
export function seedTag(seed: string): string {
  return createHash("blake2b512").update(seed).digest("hex").slice(0, 16);
}
