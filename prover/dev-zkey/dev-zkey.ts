// newZKey for a development ptau whose toxic waste we re-derive: every point of the initial
// key is (known exponent) * generator, so one fixed-base multiplication per point on the dev
// ptau's worker pool replaces snarkjs' variable-base multiexp per R1CS coefficient. The file
// is byte-identical to snarkjs.zKey.newZKey's (tested), including its circuit hash.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import os from "node:os";
import { loadFfjavascript } from "../ptau/deps.ts";
import { chooseWindow } from "../ptau/layout.ts";
import { WorkerPool, type PoolTask } from "../ptau/pool.ts";
import { concat } from "../ptau/ptau_format.ts";
import type { FfCurve } from "../ptau/fixed_base.ts";
import { checkDevPtau, openDevPtau, type DevPtau } from "./check.ts";
import { circuitPower, hHashCount, zkeyExponents } from "./exponents.ts";
import { coefficients, grothHeader, pointSections, section, u32 } from "./layout.ts";
import { readR1csTerms } from "./r1cs-terms.ts";

type Group = {
  batchLEMtoU(b: Uint8Array): Promise<Uint8Array>; batchToAffine(b: Uint8Array): Promise<Uint8Array>; sub(a: Uint8Array, b: Uint8Array): Uint8Array;
  toRprLEM(b: Uint8Array, o: number, p: Uint8Array): void; g: Uint8Array };
type Curve = FfCurve & { G1: Group; G2: Group };

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
  let curve: Curve | undefined;
  try {
    pool = await WorkerPool.start(threads, ptau.secrets.tau, windows);
    const bad = await checkDevPtau(ptau, power, pool);
    if (bad) return { written: false, why: `ptau ${ptauPath}: ${bad}` };
    const e = zkeyExponents(r, ptau.secrets, power);
    const lists = pointSections(e);
    const tasks: (PoolTask & { list: number })[] = [];
    lists.forEach((l, list) => {
      for (let i = 0; i < l.scalars.length; i += CHUNK[l.group]) {
        tasks.push({ list, group: l.group, job: { kind: "list", scalars: l.scalars.slice(i, i + CHUNK[l.group]) } });
      }
    });
    const parts: Uint8Array[][] = lists.map(() => []);
    const curveP = loadFfjavascript().then((f) => f.getCurveFromName("bn128", { singleThread: true }) as Promise<Curve>);
    await pool.run(tasks, async (i, points) => { parts[tasks[i].list].push(points); });
    curve = await curveP;
    const points = parts.map((p) => concat(p));

    const csHasher = createHash("blake2b512");
    const hashPoints = async (group: "G1" | "G2", b: Uint8Array) => csHasher.update(await curve![group].batchLEMtoU(b));
    const be32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; };

    const keyPoints = [await ptau.read(4, 0, 1), await ptau.read(5, 0, 1), await ptau.read(6, 0, 1)];
    const g1 = new Uint8Array(SIZE.G1), g2 = new Uint8Array(SIZE.G2);
    curve.G1.toRprLEM(g1, 0, curve.G1.g);
    curve.G2.toRprLEM(g2, 0, curve.G2.g);
    const headerPoints = [...keyPoints, g2, g1, g2]; // alpha1, beta1, beta2, gamma2, delta1, delta2
    for (const [k, p] of headerPoints.entries()) await hashPoints(k === 0 || k === 1 || k === 4 ? "G1" : "G2", p);

    // H: the odd points of the 2n-point Lagrange segment of tau*G1, copied; the hash covers
    // tau^(i+n) G1 - tau^i G1 instead (section 2), as snarkjs computes it.
    const lag2n = await ptau.read(12, 2 * n - 1, 2 * n);
    const h = new Uint8Array(n * SIZE.G1);
    for (let i = 0; i < n; i++) h.set(lag2n.subarray((2 * i + 1) * SIZE.G1, (2 * i + 2) * SIZE.G1), i * SIZE.G1);

    const out: Uint8Array[] = [new TextEncoder().encode("zkey"), u32(1), u32(10), section(1, u32(1)), grothHeader(r, n, headerPoints), section(4, coefficients(r))];
    for (const [k, l] of lists.entries()) {
      csHasher.update(be32(l.scalars.length));
      await hashPoints(l.group, points[k]);
      out.push(section(l.id, points[k]));
      if (l.id === 3) {
        out.push(section(9, h));
        csHasher.update(be32(n - 1));
        await hashPoints("G1", await hDifferences(curve, ptau, n));
      }
    }
    const csHash = new Uint8Array(csHasher.digest());
    out.push(section(10, [csHash, u32(0)]));
    await writeFile(zkeyPath, concat(out));
    return { written: true, csHash };
  } finally {
    await pool?.close();
    await curve?.terminate();
    await ptau.close();
  }
}

/**
 * Each worker pays a fixed start (tsx, the wasm curve, its tables: about a CPU second), so a
 * second one only pays off for large keys: measured on a loaded 2-core machine, one worker
 * took less CPU and less wall time up to mobilenet-digits (17k wires, ~100k work units).
 */
function defaultThreads(work: number): number {
  return Math.max(1, Math.min(os.availableParallelism(), Math.floor(work / 200_000)));
}

/** tau^(i+n) G1 - tau^i G1 for i < hHashCount(n), affine LEM, read from section 2. */
async function hDifferences(curve: Curve, ptau: DevPtau, n: number): Promise<Uint8Array> {
  const count = hHashCount(n);
  const [low, high] = [await ptau.read(2, 0, count), await ptau.read(2, n, count)];
  const jac = new Uint8Array(count * 96);
  for (let i = 0; i < count; i++) {
    jac.set(curve.G1.sub(high.subarray(i * 64, (i + 1) * 64), low.subarray(i * 64, (i + 1) * 64)), i * 96);
  }
  return curve.G1.batchToAffine(jac);
}
