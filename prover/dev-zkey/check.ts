// Is this ptau one our development generator made with the public seed, whose toxic waste we
// can re-derive? Its name says so, and the points we rely on must equal the re-derived
// exponents times the generators: the first powers, alpha and beta (copied into the key),
// the ends of the Lagrange segments we replace by computed points (H's 2n segment included),
// and the last tau power snarkjs' H hash reads. Anything else and the caller falls back to snarkjs.
import { open } from "node:fs/promises";
import { readPtauHeader } from "../ptau/read-header.ts";
import { DEV_PTAU_SEED, deriveDevSecrets, seedTag, type DevSecrets } from "../ptau/secrets.ts";
import { lagrangeScalars } from "../ptau/scalars.ts";
import { pow } from "../ptau/field.ts";
import { G1_BYTES, G2_BYTES } from "../ptau/ptau-format.ts";
import type { WorkerPool } from "../ptau/pool.ts";

const DEV_NAME = `INSECURE dev ptau, toxic waste known, seed ${seedTag(DEV_PTAU_SEED)}`;

export interface DevPtau {
  secrets: DevSecrets;
  /** Reads `count` points of a section from index `first`. */
  read(section: number, first: number, count: number): Promise<Buffer>;
  close(): Promise<void>;
}

/** The open ptau and its secrets, or why this file is not one whose secrets we know. */
export async function openDevPtau(file: string, cirPower: number): Promise<DevPtau | string> {
  const header = await readPtauHeader(file).catch((e: Error) => e);
  if (header instanceof Error) return header.message;
  // snarkjs reads the 2n-point Lagrange segment for H; it must be a whole (not truncated) domain.
  if (header.power < cirPower + 1) return `power ${header.power} is below the circuit's ${cirPower + 1}`;
  for (const id of [2, 3, 4, 5, 6, 7, 12, 13, 14, 15]) if (!header.sections.has(id)) return `no section ${id}`;
  const fd = await open(file, "r");
  const read = async (section: number, first: number, count: number) => {
    const s = header.sections.get(section)!;
    const size = section === 3 || section === 6 || section === 13 ? G2_BYTES : G1_BYTES;
    if ((first + count) * size > s.size) throw new RangeError(`section ${section} has no point ${first + count - 1}`);
    const b = Buffer.alloc(count * size);
    await fd.read(b, 0, b.length, s.offset + first * size);
    return b;
  };
  const s7 = header.sections.get(7)!;
  const contrib = Buffer.alloc(Math.min(s7.size, 4096));
  const named = await fd.read(contrib, 0, contrib.length, s7.offset).then(() => contrib.includes(Buffer.from(DEV_NAME)), () => false);
  if (!named) {
    await fd.close();
    return "its contribution is not the development generator's with the public seed";
  }
  return { secrets: deriveDevSecrets(DEV_PTAU_SEED), read, close: () => fd.close() };
}

/** Undefined when every checked point matches; otherwise which one does not. */
export async function checkDevPtau(ptau: DevPtau, cirPower: number, pool: WorkerPool): Promise<string | undefined> {
  const { tau, alpha, beta } = ptau.secrets;
  const n = 2 ** cirPower;
  const seg = n - 1; // the 2^p segment of sections 12..15 starts at point 2^p - 1
  const hLast = 2 * n - 1; // the highest tau power the H hash reads (see hHashCount)
  const lag = (f: bigint, j: number, p = cirPower) => lagrangeScalars(tau, f, p, j, 1, false)[0];
  const g1: [string, number, number, bigint][] = [
    ["tau*G1", 2, 1, tau], [`tau^${hLast}*G1`, 2, hLast, pow(tau, BigInt(hLast))],
    ["alpha*G1", 4, 0, alpha], ["beta*G1", 5, 0, beta],
    ["L_0 G1", 12, seg, lag(1n, 0)], [`L_${n - 1} G1`, 12, seg + n - 1, lag(1n, n - 1)],
    ["alpha L_0 G1", 14, seg, lag(alpha, 0)], [`beta L_${n - 1} G1`, 15, seg + n - 1, lag(beta, n - 1)],
    // H's points: the odd ones of the 2n segment (copied into an initial key, computed in a one-pass phase 2).
    [`L_1 G1 of the ${2 * n} domain`, 12, 2 * n, lag(1n, 1, cirPower + 1)], [`L_${2 * n - 1} G1 of the ${2 * n} domain`, 12, 4 * n - 2, lag(1n, 2 * n - 1, cirPower + 1)],
  ];
  const g2: [string, number, number, bigint][] = [
    ["tau*G2", 3, 1, tau], ["beta*G2", 6, 0, beta], [`L_${n - 1} G2`, 13, seg + n - 1, lag(1n, n - 1)],
  ];
  const got: Uint8Array[] = [];
  await pool.run([
    { group: "G1", job: { kind: "list", scalars: g1.map((x) => x[3]) } },
    { group: "G2", job: { kind: "list", scalars: g2.map((x) => x[3]) } },
  ], async (_i, points) => { got.push(points); });
  for (const [list, size, pts] of [[g1, G1_BYTES, got[0]], [g2, G2_BYTES, got[1]]] as const) {
    for (let k = 0; k < list.length; k++) {
      const [name, section, index] = list[k];
      const inFile = await ptau.read(section, index, 1).catch(() => undefined);
      if (!inFile || !inFile.equals(pts.subarray(k * size, (k + 1) * size))) return `${name} (section ${section}, point ${index}) is not the re-derived one`;
    }
  }
  return undefined;
}
