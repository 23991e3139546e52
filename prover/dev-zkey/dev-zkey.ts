// newZKey for a development ptau whose toxic waste we re-derive: every point of the initial
// key is (known exponent) * generator, so one fixed-base multiplication per point on the dev
// ptau's worker pool replaces snarkjs' variable-base multiexp per R1CS coefficient. The file
// is byte-identical to snarkjs.zKey.newZKey's (tested), including its circuit hash.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { chooseWindow } from "../ptau/layout.ts";
import { WorkerPool } from "../ptau/pool.ts";
import { concat } from "../ptau/ptau-format.ts";
import type { ScalarJob } from "../ptau/scalars.ts";
import type { DiffJob } from "../ptau/worker.ts";
import { checkDevPtau, openDevPtau, type DevPtau } from "./check.ts";
import { circuitPower, hHashCount, zkeyExponents } from "./exponents.ts";
import { coefficients, grothHeader, pointSections, section, u32 } from "./layout.ts";
import { readR1csTerms } from "./r1cs-terms.ts";

const CHUNK = { G1: 4096, G2: 2048 } as const;
const SIZE = { G1: 64, G2: 128 } as const;

export type DevZKeyResult = { written: true; csHash: Uint8Array } | { written: false; why: string };

/** Writes zkeyPath, or says why this r1cs/ptau pair is left to snarkjs (nothing is written then). */
export async function newDevZKey(r1csPath: string, ptauPath: string, zkeyPath: string, threads?: number): Promise<DevZKeyResult> {
  const r = readR1csTerms(r1csPath);
  if (typeof r === "string") return { written: false, why: `r1cs ${r1csPath}: ${r}` };
  if (r.nConstraints + r.nPublic === 0) return { written: false, why: "empty circuit" };
  const power = circuitPower(r.nConstraints, r.nPublic);
  const n = 2 ** power;
  const ptau = await openDevPtau(ptauPath, power);
  if (typeof ptau === "string") return { written: false, why: `ptau ${ptauPath}: ${ptau}` };
  const totals = { G1: 2 * r.nVars, G2: r.nVars };
  threads ??= defaultThreads(totals.G1 + 3 * totals.G2);
  const windows = { G1: chooseWindow(totals.G1, threads), G2: chooseWindow(totals.G2, threads) };
  let pool: WorkerPool | undefined;
  try {
    pool = await WorkerPool.start(threads, ptau.secrets.tau, windows);
    const bad = await checkDevPtau(ptau, power, pool);
    if (bad) return { written: false, why: `ptau ${ptauPath}: ${bad}` };
    const { alpha, beta } = ptau.secrets;
    // Buckets in hashing order: the header's points (alpha1, beta1, G1; beta2, G2), IC, the H
    // hash's differences tau^(i+n) G1 - tau^i G1 (section 2, as snarkjs computes them), C, A, B1, B2.
    const buckets: { id: number; group: "G1" | "G2"; jobs: (ScalarJob | DiffJob)[]; count: number }[] = [
      { id: 0, group: "G1", jobs: [{ kind: "list", scalars: [alpha, beta, 1n] }], count: 3 },
      { id: 0, group: "G2", jobs: [{ kind: "list", scalars: [beta, 1n] }], count: 2 },
    ];
    for (const l of pointSections(zkeyExponents(r, ptau.secrets, power))) {
      const jobs: ScalarJob[] = [];
      for (let i = 0; i < l.scalars.length; i += CHUNK[l.group]) jobs.push({ kind: "list", scalars: l.scalars.slice(i, i + CHUNK[l.group]) });
      buckets.push({ ...l, jobs, count: l.scalars.length });
      if (l.id === 3) buckets.push({ id: 9, group: "G1", jobs: await hDifferenceJobs(ptau, n), count: n - 1 });
    }
    const tasks = buckets.flatMap((b, bucket) => b.jobs.map((job) => ({ bucket, group: b.group, job, uncompressed: true })));
    const lem: Uint8Array[][] = buckets.map(() => []);
    const unc: Uint8Array[][] = buckets.map(() => []);
    await pool.run(tasks, async (i, points, u) => { lem[tasks[i].bucket].push(points); unc[tasks[i].bucket].push(u!); });

    const csHasher = createHash("blake2b512");
    const be32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; };
    const [h1, h2] = [lem[0][0], lem[1][0]];
    const [u1, u2] = [unc[0][0], unc[1][0]];
    const g1p = (u: Uint8Array, k: number) => u.subarray(k * SIZE.G1, (k + 1) * SIZE.G1);
    const g2p = (u: Uint8Array, k: number) => u.subarray(k * SIZE.G2, (k + 1) * SIZE.G2);
    // alpha1, beta1, beta2 (the bytes of the file's, which checkDevPtau compared), then
    // gamma2 = G2, delta1 = G1, delta2 = G2 as in every initial key of snarkjs.
    const headerPoints = [g1p(h1, 0), g1p(h1, 1), g2p(h2, 0), g2p(h2, 1), g1p(h1, 2), g2p(h2, 1)];
    for (const u of [g1p(u1, 0), g1p(u1, 1), g2p(u2, 0), g2p(u2, 1), g1p(u1, 2), g2p(u2, 1)]) csHasher.update(u);

    // H: the odd points of the 2n-point Lagrange segment of tau*G1, copied as snarkjs does.
    const lag2n = await ptau.read(12, 2 * n - 1, 2 * n);
    const h = new Uint8Array(n * SIZE.G1);
    for (let i = 0; i < n; i++) h.set(lag2n.subarray((2 * i + 1) * SIZE.G1, (2 * i + 2) * SIZE.G1), i * SIZE.G1);

    const out: Uint8Array[] = [new TextEncoder().encode("zkey"), u32(1), u32(10), section(1, u32(1)), grothHeader(r, n, headerPoints), section(4, coefficients(r))];
    for (const [k, b] of buckets.entries()) {
      if (b.id === 0) continue;
      csHasher.update(be32(b.count));
      for (const u of unc[k]) csHasher.update(u);
      out.push(section(b.id, b.id === 9 ? h : concat(lem[k])));
    }
    const csHash = new Uint8Array(csHasher.digest());
    out.push(section(10, [csHash, u32(0)]));
    await writeFile(zkeyPath, concat(out));
    return { written: true, csHash };
  } finally {
    await pool?.close();
    await ptau.close();
  }
}

/**
 * Each worker pays a fixed start (tsx, the wasm curve, its tables: about a CPU second), so a
 * second one only pays off for large keys: measured on a loaded 2-core machine, one worker
 * took less CPU and less wall time up to a 17k-wire circuit (~100k work units).
 */
function defaultThreads(work: number): number {
  return Math.max(1, Math.min(os.availableParallelism(), Math.floor(work / 200_000)));
}

/** Jobs computing tau^(i+n) G1 - tau^i G1 for i < hHashCount(n) from section 2. */
async function hDifferenceJobs(ptau: DevPtau, n: number): Promise<DiffJob[]> {
  const count = hHashCount(n);
  const [low, high] = [await ptau.read(2, 0, count), await ptau.read(2, n, count)];
  const jobs: DiffJob[] = [];
  for (let i = 0; i < count; i += CHUNK.G1) {
    const end = Math.min(count, i + CHUNK.G1) * SIZE.G1;
    jobs.push({ kind: "diff", high: high.slice(i * SIZE.G1, end), low: low.slice(i * SIZE.G1, end) }); // copies: a posted view carries its whole buffer
  }
  return jobs;
}
