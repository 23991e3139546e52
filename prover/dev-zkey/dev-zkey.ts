// newZKey for a development ptau whose toxic waste we re-derive (./points.ts computes every
// point from its known exponent). The file is byte-identical to snarkjs.zKey.newZKey's
// (tested), including its circuit hash.
import { writeFile } from "node:fs/promises";
import { concat } from "../ptau/ptau-format.ts";
import { coefficients, grothHeader, section, u32 } from "./layout.ts";
import { devKeyPoints } from "./points.ts";

export type DevZKeyResult = { written: true; csHash: Uint8Array } | { written: false; why: string };

/** Writes zkeyPath, or says why this r1cs/ptau pair is left to snarkjs (nothing is written then). */
export async function newDevZKey(r1csPath: string, ptauPath: string, zkeyPath: string, threads?: number): Promise<DevZKeyResult> {
  const k = await devKeyPoints(r1csPath, ptauPath, { threads });
  if (typeof k === "string") return { written: false, why: k };
  const g1 = (i: number) => k.g1.subarray(i * 64, (i + 1) * 64);
  const g2 = (i: number) => k.g2.subarray(i * 128, (i + 1) * 128);
  // alpha1, beta1, beta2, then gamma2 = G2, delta1 = G1, delta2 = G2 as in every initial key of snarkjs.
  const header = grothHeader(k.r, k.n, [g1(0), g1(1), g2(0), g2(1), g1(2), g2(1)]);
  // snarkjs' newZKey writes its sections in the order 1, 2, 4, 3, 9, 8, 5, 6, 7, 10.
  const out: Uint8Array[] = [new TextEncoder().encode("zkey"), u32(1), u32(10), section(1, u32(1)), header, section(4, coefficients(k.r))];
  for (const id of [3, 9, 8, 5, 6, 7]) out.push(section(id, k.sections.get(id)!));
  out.push(section(10, [k.csHash, u32(0)]));
  await writeFile(zkeyPath, concat(out));
  return { written: true, csHash: k.csHash };
}
