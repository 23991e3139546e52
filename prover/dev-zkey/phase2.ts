// A development key with its phase 2 (secret contribution, then beacon) written in one pass:
// what snarkjs' newZKey, contribute and beacon leave, byte for byte. Those two steps each
// multiply every L and H point by 1/prvKey (variable-base, the bulk of a local setup's time);
// with the development ptau the exponent of every point is known, so L_i = (c_i / delta) G1 and
// H_j = (h_j / delta) G1 are fixed-base multiplications like the rest of the key, with
// delta = the product of the steps' keys. Only for a ptau that ./check.ts confirms.
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { FR, inv } from "../ptau/field.ts";
import { loadFfjavascript } from "../ptau/deps.ts";
import { concat } from "../ptau/ptau-format.ts";
import { coefficients, grothHeader, section, u32 } from "./layout.ts";
import { phase2Records, stepKey, type ChaChaClass, type MpcCurve, type Phase2Step } from "./mpc.ts";
import { devKeyPoints } from "./points.ts";

export type { Phase2Step } from "./mpc.ts";
export type DevPhase2Result = { written: true; hashes: Uint8Array[] } | { written: false; why: string };

/** A secret step from fresh randomness, drawn here so that no caller can choose or keep it. */
export function secretStep(name: string): Phase2Step {
  return { kind: "secret", name, seed: randomBytes(32) };
}

/**
 * Writes zkeyPath with the steps applied in order (their contribution hashes returned), or says
 * why this r1cs/ptau pair is left to snarkjs (nothing is written then). A secret step's seed
 * must be fresh randomness (secretStep); tests pass a fixed one to compare with snarkjs.
 */
export async function writeDevPhase2Key(r1csPath: string, ptauPath: string, zkeyPath: string, steps: Phase2Step[], threads?: number): Promise<DevPhase2Result> {
  if (steps.length === 0) return { written: false, why: "no phase-2 step" };
  const ff = (await loadFfjavascript()) as unknown as { getCurveFromName(n: string, o: { singleThread: boolean }): Promise<MpcCurve>; ChaCha: ChaChaClass };
  const curve = await ff.getCurveFromName("bn128", { singleThread: true });
  try {
    const keys = steps.map((s) => stepKey(curve, ff.ChaCha, s));
    const delta = keys.reduce((d, k) => (d * curve.Fr.toObject(k.prvKey)) % FR, 1n);
    const k = await devKeyPoints(r1csPath, ptauPath, { threads, invDelta: inv(delta) });
    if (typeof k === "string") return { written: false, why: k };
    const mpc = phase2Records(curve, ff.ChaCha, k.csHash, keys);
    const g1 = (i: number) => k.g1.subarray(i * 64, (i + 1) * 64);
    const g2 = (i: number) => k.g2.subarray(i * 128, (i + 1) * 128);
    // alpha1, beta1, beta2, gamma2 = G2 (never touched by phase 2), then the contributed delta.
    const header = grothHeader(k.r, k.n, [g1(0), g1(1), g2(0), g2(1), mpc.delta1, mpc.delta2]);
    // contribute and beacon write their sections in id order (newZKey's order is not kept).
    const out: Uint8Array[] = [new TextEncoder().encode("zkey"), u32(1), u32(10), section(1, u32(1)), header, section(3, k.sections.get(3)!), section(4, coefficients(k.r))];
    for (const id of [5, 6, 7, 8, 9]) out.push(section(id, k.sections.get(id)!));
    out.push(section(10, mpc.section));
    await writeFile(zkeyPath, concat(out));
    return { written: true, hashes: mpc.hashes };
  } finally {
    await curve.terminate();
  }
}
