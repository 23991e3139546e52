// Every point of a Groth16 key on a development ptau whose toxic waste we re-derive: each is
// (known exponent) * generator, so one fixed-base multiplication per point on the dev ptau's
// worker pool replaces snarkjs' variable-base multiexps. Also the circuit hash snarkjs' newZKey
// computes over the initial key. With `invDelta` (1/delta of a phase 2 done in the same pass)
// the L and H sections come out already divided by delta, as contribute/beacon would leave them.
import { createHash } from "node:crypto";
import os from "node:os";
import { chooseWindow } from "../ptau/layout.ts";
import { WorkerPool } from "../ptau/pool.ts";
import { concat } from "../ptau/ptau-format.ts";
import { FR } from "../ptau/field.ts";
import { lagrangeScalars, type ScalarJob } from "../ptau/scalars.ts";
import type { DiffJob } from "../ptau/worker.ts";
import { checkDevPtau, openDevPtau, type DevPtau } from "./check.ts";
import { circuitPower, hHashCount, zkeyExponents } from "./exponents.ts";
import { pointSections } from "./layout.ts";
import { readR1csTerms, type R1csTerms } from "./r1cs-terms.ts";

const CHUNK = { G1: 4096, G2: 2048 } as const;
const SIZE = { G1: 64, G2: 128 } as const;

export interface DevKeyPoints {
  r: R1csTerms;
  /** The domain size 2^power. */
  n: number;
  /** The initial header's points, LEM: alpha1, beta1, G1 and beta2, G2. */
  g1: Uint8Array;
  g2: Uint8Array;
  /** LEM point sections 3, 5, 6, 7, 8 (C, or L / delta) and 9 (H, or H / delta). */
  sections: Map<number, Uint8Array>;
  /** snarkjs' circuit hash of the initial key (blake2b-512 over its uncompressed points). */
  csHash: Uint8Array;
}

type Bucket = { id: number; group: "G1" | "G2"; jobs: (ScalarJob | DiffJob)[]; count: number; hash: boolean; emit: boolean };

/** The points, or why this r1cs/ptau pair is left to snarkjs. */
export async function devKeyPoints(r1csPath: string, ptauPath: string, o: { threads?: number; invDelta?: bigint } = {}): Promise<DevKeyPoints | string> {
  const r = readR1csTerms(r1csPath);
  if (typeof r === "string") return `r1cs ${r1csPath}: ${r}`;
  if (r.nConstraints + r.nPublic === 0) return "empty circuit";
  const power = circuitPower(r.nConstraints, r.nPublic);
  const n = 2 ** power;
  const ptau = await openDevPtau(ptauPath, power);
  if (typeof ptau === "string") return `ptau ${ptauPath}: ${ptau}`;
  const extra = o.invDelta === undefined ? 0 : r.nVars + n; // L and H, when divided by delta here
  const threads = o.threads ?? defaultThreads(2 * r.nVars + 3 * r.nVars + extra);
  const windows = { G1: chooseWindow(2 * r.nVars + extra, threads), G2: chooseWindow(r.nVars, threads) };
  let pool: WorkerPool | undefined;
  try {
    pool = await WorkerPool.start(threads, ptau.secrets.tau, windows);
    const bad = await checkDevPtau(ptau, power, pool);
    if (bad) return `ptau ${ptauPath}: ${bad}`;
    const { tau, alpha, beta } = ptau.secrets;
    const list = (scalars: bigint[], group: "G1" | "G2"): ScalarJob[] => {
      const jobs: ScalarJob[] = [];
      for (let i = 0; i < scalars.length; i += CHUNK[group]) jobs.push({ kind: "list", scalars: scalars.slice(i, i + CHUNK[group]) });
      return jobs;
    };
    // Hashing order: the header's points (alpha1, beta1, G1; beta2, G2), IC, the H hash's
    // differences tau^(i+n) G1 - tau^i G1 (as snarkjs computes them, hashed as section 9), C, A, B1, B2.
    const buckets: Bucket[] = [
      { id: 0, group: "G1", jobs: [{ kind: "list", scalars: [alpha, beta, 1n] }], count: 3, hash: true, emit: false },
      { id: 0, group: "G2", jobs: [{ kind: "list", scalars: [beta, 1n] }], count: 2, hash: true, emit: false },
    ];
    const e = zkeyExponents(r, ptau.secrets, power);
    for (const l of pointSections(e)) {
      buckets.push({ ...l, jobs: list(l.scalars, l.group), count: l.scalars.length, hash: true, emit: !(l.id === 8 && o.invDelta !== undefined) });
      if (l.id === 3) buckets.push({ id: 9, group: "G1", jobs: await hDifferenceJobs(ptau, n), count: n - 1, hash: true, emit: false });
    }
    if (o.invDelta !== undefined) {
      const d = o.invDelta;
      buckets.push({ id: 8, group: "G1", jobs: list(e.c.map((s) => (s * d) % FR), "G1"), count: e.c.length, hash: false, emit: true });
      // H: the odd points of the 2n-point Lagrange segment of tau*G1 (snarkjs copies them into the
      // initial key); checkDevPtau confirmed that segment's ends against the re-derived tau.
      const odd = lagrangeScalars(tau, d, power + 1, 0, 2 * n, false).filter((_, j) => j % 2 === 1);
      buckets.push({ id: 9, group: "G1", jobs: list(odd, "G1"), count: n, hash: false, emit: true });
    }
    const tasks = buckets.flatMap((b, bucket) => b.jobs.map((job) => ({ bucket, group: b.group, job, uncompressed: b.hash })));
    const lem: Uint8Array[][] = buckets.map(() => []);
    const unc: Uint8Array[][] = buckets.map(() => []);
    await pool.run(tasks, async (i, points, u) => { lem[tasks[i].bucket].push(points); if (u) unc[tasks[i].bucket].push(u); });

    const csHasher = createHash("blake2b512");
    const be32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; };
    const [u1, u2] = [unc[0][0], unc[1][0]];
    // The initial header: alpha1, beta1, beta2, gamma2 = G2, delta1 = G1, delta2 = G2.
    for (const [u, k, size] of [[u1, 0, 64], [u1, 1, 64], [u2, 0, 128], [u2, 1, 128], [u1, 2, 64], [u2, 1, 128]] as const) csHasher.update(u.subarray(k * size, (k + 1) * size));
    const sections = new Map<number, Uint8Array>();
    for (const [k, b] of buckets.entries()) {
      if (b.id === 0) continue;
      if (b.hash) { csHasher.update(be32(b.count)); for (const u of unc[k]) csHasher.update(u); }
      if (b.emit) sections.set(b.id, concat(lem[k]));
    }
    if (o.invDelta === undefined) sections.set(9, await copiedH(ptau, n));
    return { r, n, g1: lem[0][0], g2: lem[1][0], sections, csHash: new Uint8Array(csHasher.digest()) };
  } finally {
    await pool?.close();
    await ptau.close();
  }
}

/** The initial key's H: the odd points of the file's 2n-point Lagrange segment, as snarkjs copies them. */
async function copiedH(ptau: DevPtau, n: number): Promise<Uint8Array> {
  const lag2n = await ptau.read(12, 2 * n - 1, 2 * n);
  const h = new Uint8Array(n * SIZE.G1);
  for (let i = 0; i < n; i++) h.set(lag2n.subarray((2 * i + 1) * SIZE.G1, (2 * i + 2) * SIZE.G1), i * SIZE.G1);
  return h;
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
