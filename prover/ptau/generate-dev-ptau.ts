// generateDevPtau: writes a prepared (phase-2 ready) .ptau file whose toxic waste is
// derived from a known seed. Every point is a fixed-base multiple of a generator with
// a known exponent, so no ceremony and no FFT in the exponent is needed: this is what
// makes it ~100x faster than snarkjs' new + contribute + prepare phase2.
import { mkdir, open, rename, rm, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { PtauError } from "./errors.ts";
import { chooseWindow, groupTotals, planSections, pointBytes, pubKeyTasks, type SectionPlan } from "./layout.ts";
import { resolveDevPtauOptions, type DevPtauOptions, type PtauLogger } from "./options.ts";
import { WorkerPool } from "./pool.ts";
import { concat, contributionsSection, fileHeader, headerSection, sectionHeader, G1_BYTES, G2_BYTES } from "./ptau-format.ts";
import { deriveDevSecrets, seedTag } from "./secrets.ts";

export const INSECURE_BANNER = "DEVELOPMENT ONLY: the toxic waste of this file is known";

export interface DevPtauResult {
  path: string;
  power: number;
  seedTag: string;
  bytes: number;
  seconds: number;
}

/**
 * Generates an INSECURE development powers-of-tau file for `power` (2^power constraints)
 * in snarkjs' prepared format (sections 1-7 and Lagrange sections 12-15), accepted by
 * `snarkjs groth16 setup` / `plonk setup`.
 *
 * DEVELOPMENT ONLY: tau, alpha and beta are derived from `seed` (default: a public,
 * documented seed), so anyone can forge proofs for circuits set up with this file.
 * Never use it for anything a verifier must trust; use importPtau() with a real
 * ceremony file (powersOfTau28_hez_final_NN.ptau) instead.
 */
export async function generateDevPtau(opts: DevPtauOptions): Promise<DevPtauResult> {
  const o = resolveDevPtauOptions(opts);
  const log = o.logger;
  const t0 = performance.now();
  const tag = seedTag(o.seed);
  log?.info(`${INSECURE_BANNER} (seed tag ${tag}). Generating 2^${o.power} dev ptau -> ${o.outPath}`);

  const secrets = deriveDevSecrets(o.seed);
  const plan = planSections(o.power, secrets);
  const threads = Math.min(o.threads, plan.reduce((a, s) => a + s.tasks.length, 0));
  // Small files use small tables, large files amortise bigger ones.
  const totals = groupTotals(plan);
  const windows = { G1: chooseWindow(totals.G1, threads), G2: chooseWindow(totals.G2, threads) };

  await mkdir(path.dirname(path.resolve(o.outPath)), { recursive: true });
  const tmp = `${o.outPath}.${process.pid}.${Date.now().toString(36)}.tmp`;
  let fh: FileHandle | undefined;
  const pool = await WorkerPool.start(threads, secrets.tau, windows);
  try {
    fh = await open(tmp, "w");
    await fh.write(fileHeader(11));
    await fh.write(headerSection(o.power));
    const firstPoints = new Map<number, Uint8Array>();
    for (const section of plan.filter((s) => s.id <= 6)) {
      await writeSection(pool, fh, section, firstPoints, log);
    }
    await fh.write(await contribution(pool, firstPoints, secrets, tag));
    for (const section of plan.filter((s) => s.id >= 12)) {
      await writeSection(pool, fh, section, firstPoints, log);
    }
    const { size } = await fh.stat();
    await fh.close();
    fh = undefined;
    await rename(tmp, o.outPath);
    const seconds = (performance.now() - t0) / 1000;
    log?.info(`${INSECURE_BANNER}. Wrote ${o.outPath} (${(size / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(1)} s`);
    return { path: o.outPath, power: o.power, seedTag: tag, bytes: size, seconds };
  } catch (e) {
    await fh?.close().catch(() => {});
    await rm(tmp, { force: true });
    if (e instanceof PtauError) throw e;
    throw new PtauError(`generateDevPtau: failed to write ${o.outPath}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  } finally {
    await pool.close();
  }
}

async function writeSection(
  pool: WorkerPool, fh: FileHandle, section: SectionPlan, firstPoints: Map<number, Uint8Array>, log?: PtauLogger,
): Promise<void> {
  const size = pointBytes(section.group);
  const t0 = performance.now();
  let lastLog = t0;
  let written = 0;
  await fh.write(sectionHeader(section.id, section.nPoints * size));
  await pool.run(section.tasks, async (index, points) => {
    if (index === 0) firstPoints.set(section.id, points.slice(0, Math.min(2, points.length / size) * size));
    await fh.write(points);
    written += points.length / size;
    const now = performance.now();
    if (log && now - lastLog > 2000) {
      lastLog = now;
      log.info(`dev ptau: section ${section.id} (${section.name}) ${written}/${section.nPoints} points`);
    }
  });
  if (written !== section.nPoints) {
    throw new PtauError(`generateDevPtau: internal error, section ${section.id} has ${written} points instead of ${section.nPoints}`);
  }
  const seconds = (performance.now() - t0) / 1000;
  if (seconds > 1) log?.info(`dev ptau: section ${section.id} (${section.name}) done in ${seconds.toFixed(1)} s`);
  else log?.debug?.(`dev ptau: section ${section.id} (${section.name}) done in ${seconds.toFixed(2)} s`);
}

/** Section 7: one contribution record, labelled insecure in its name. */
async function contribution(
  pool: WorkerPool, first: Map<number, Uint8Array>, secrets: ReturnType<typeof deriveDevSecrets>, tag: string,
): Promise<Uint8Array> {
  const key: Uint8Array[] = [];
  await pool.run(pubKeyTasks(secrets), async (_i, points) => { key.push(points); });
  const pick = (id: number, i: number, size: number) => first.get(id)!.slice(i * size, (i + 1) * size);
  return contributionsSection({
    tauG1: pick(2, 1, G1_BYTES),
    tauG2: pick(3, 1, G2_BYTES),
    alphaG1: pick(4, 0, G1_BYTES),
    betaG1: pick(5, 0, G1_BYTES),
    betaG2: pick(6, 0, G2_BYTES),
    pubKey: concat(key),
    name: `INSECURE dev ptau, toxic waste known, seed ${tag}`,
  });
}
