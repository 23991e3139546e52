/**
 * Groth16 setup of a circuit, keyed by the circuit hash (sha256 of the r1cs): nothing is
 * rebuilt when the circuit did not change. Phase 2 is a one-person ceremony: one contribution
 * from fresh secret randomness (never stored, logged or returned), then a public beacon. A key
 * with only public contributions is forgeable by anyone (delta is then computable), so there
 * is no path without the secret step; setups are therefore not reproducible, and their record
 * lives beside the key (setup.json), not in the committed manifest. With the development powers
 * of tau the key is still INSECURE (tau is public); `zkinfer ceremony` runs a real phase 2.
 * On the development ptau (confirmed by dev-zkey) the key and both steps are written in one
 * pass, with the records snarkjs' contribute and beacon would make (dev-zkey/phase2.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { ProverError } from "./errors.ts";
import { readR1cs } from "./r1cs.ts";
import { loadSnarkjs } from "./snarkjs.ts";
import { silentLogger, snarkjsLogger, type Logger } from "./logger.ts";
import { requiredPower, resolvePtau, type PtauSource } from "./ceremony/ptau.ts";
import { readSetupRecord, setupPaths, type Contribution, type SetupInfo } from "./ceremony/record.ts";
import { installSetup, scratchName } from "./ceremony/install.ts";
import { withFileLock } from "./file-lock.ts";
import { devPhase2Key, newZKey } from "./dev-zkey/index.ts";

export { hashJson } from "./ceremony/install.ts";
export { MIN_DEV_POWER, requiredPower, devPtau, type PtauSource } from "./ceremony/ptau.ts";
export { isTrusted, summarize, readSetupRecord, setupPaths, SETUP_FORMAT, type SetupInfo, type SetupSummary, type Contribution } from "./ceremony/record.ts";

/** A public, fixed beacon: the last phase-2 step of local setups (after the secret contribution). */
export const DEV_BEACON = createHash("sha256").update("zkinfer development phase-2 beacon v1").digest("hex");
export const DEV_BEACON_ITERATIONS_EXP = 10;
export const SECRET_CONTRIBUTION_NAME = "zkinfer setup: local secret randomness";

export interface SetupOptions {
  r1csPath: string;
  /** Setups live in <setupDir>/<circuit hash prefix>/. */
  setupDir: string;
  ptau: PtauSource;
  log?: Logger;
}

export interface SetupResult extends SetupInfo {
  dir: string;
  zkeyPath: string;
  vkeyPath: string;
  cached: boolean;
}

/**
 * A current setup is reused unless a ceremony file is asked for and the setup was made from
 * other bytes: the recorded blake2b must equal the hash of the file just imported (a name says
 * nothing about content). A dev request reuses any current setup (a ceremony key is never
 * downgraded); `blake2b` is undefined only for a dev request.
 */
const reusable = (info: SetupInfo, src: PtauSource, blake2b: string | undefined) =>
  src.kind === "dev" || (info.ptau.kind === "file" && blake2b !== undefined && info.ptau.blake2b === blake2b);

export async function setupGroth16(o: SetupOptions): Promise<SetupResult> {
  const log = o.log ?? silentLogger;
  if (!existsSync(o.r1csPath)) throw new ProverError(`r1cs file ${o.r1csPath} does not exist (run compile first)`);
  const r1cs = readR1cs(o.r1csPath);
  const circuitHash = createHash("sha256").update(readFileSync(o.r1csPath)).digest("hex");
  const paths = setupPaths(o.setupDir, circuitHash);
  const files = { dir: paths.dir, zkeyPath: paths.zkeyPath, vkeyPath: paths.vkeyPath };
  const power = requiredPower(r1cs.nConstraints, r1cs.nOutputs + r1cs.nPubInputs);
  const rec = readSetupRecord(paths, circuitHash);
  // A ceremony file is hashed (and checked) before the cache is looked at; a dev request is not.
  const ptau = o.ptau.kind === "file" ? await resolvePtau(o.ptau, power, log) : undefined;
  if (rec.state === "current" && reusable(rec.info, o.ptau, ptau?.info.blake2b)) {
    log.info(`setup for circuit ${circuitHash.slice(0, 12)} is up to date: ${paths.dir}`);
    return { ...rec.info, ...files, cached: true };
  }
  // Processes setting up the same circuit at once (test files, a server and a CLI) take turns:
  // a later one finds the key made meanwhile and reuses it, instead of a second setup.
  mkdirSync(o.setupDir, { recursive: true });
  return withFileLock(`${paths.dir}.lock`, async () => {
    const again = readSetupRecord(paths, circuitHash);
    if (again.state === "current" && reusable(again.info, o.ptau, ptau?.info.blake2b)) {
      log.info(`setup for circuit ${circuitHash.slice(0, 12)} was made meanwhile by another process: ${paths.dir}`);
      return { ...again.info, ...files, cached: true };
    }
    return newSetup(o, log, r1cs, circuitHash, paths, files, power, again, ptau);
  });
}

async function newSetup(
  o: SetupOptions,
  log: Logger,
  r1cs: ReturnType<typeof readR1cs>,
  circuitHash: string,
  paths: ReturnType<typeof setupPaths>,
  files: { dir: string; zkeyPath: string; vkeyPath: string },
  power: number,
  rec: ReturnType<typeof readSetupRecord>,
  ptau: Awaited<ReturnType<typeof resolvePtau>> | undefined,
): Promise<SetupResult> {
  if (rec.state === "stale") log.info(`setup ${paths.dir} is stale (${rec.why}); making a new one`);
  if (rec.state === "current") log.info(`setup ${paths.dir} was made from another powers of tau (blake2b ${String(rec.info.ptau.blake2b ?? rec.info.ptau.kind).slice(0, 16)}); making a new one`);
  const tau = ptau ?? (await resolvePtau(o.ptau, power, log));
  mkdirSync(o.setupDir, { recursive: true });
  const tmp = scratchName(paths.dir, "tmp");
  const zkeys = [0, 1, 2].map((i) => `${tmp}.${i}.zkey`);
  try {
    log.info(`groth16 setup: ${r1cs.nConstraints} constraints`);
    const t0 = Date.now();
    const beaconName = `zkinfer public beacon${tau.info.insecure ? " (development ptau: INSECURE)" : ""}`;
    const names = { secretName: SECRET_CONTRIBUTION_NAME, beaconName, beaconHash: DEV_BEACON, iterationsExp: DEV_BEACON_ITERATIONS_EXP };
    const hashes = (await devPhase2Key(o.r1csPath, tau, zkeys[2], names, log)) ?? (await snarkjsPhase2(o.r1csPath, tau, zkeys, beaconName, log));
    const b = { hash: DEV_BEACON, iterationsExp: DEV_BEACON_ITERATIONS_EXP };
    const contributions: Contribution[] = [
      { name: SECRET_CONTRIBUTION_NAME, hash: Buffer.from(hashes.secret).toString("hex"), kind: "contribution" },
      { name: beaconName, hash: Buffer.from(hashes.beacon).toString("hex"), kind: "beacon", beacon: b },
    ];
    const facts = { circuitHash, constraints: r1cs.nConstraints, power: tau.power, ptau: tau.info, phase2: "setup" as const, contributions, beacon: b };
    const info = await installSetup(paths, zkeys[2], facts, log, { keep: (existing) => reusable(existing, o.ptau, tau.info.blake2b) });
    const untrusted = tau.info.insecure ? "development powers of tau, INSECURE" : "not a published powers of tau";
    log.info(`setup done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${paths.dir}${info.trusted ? "" : ` (untrusted: ${untrusted})`}`);
    return { ...info, ...files, cached: false };
  } finally {
    for (const z of zkeys) rmSync(z, { force: true });
  }
}

/** newZKey, the secret contribution and the beacon by snarkjs: any ptau but the checked development one. */
async function snarkjsPhase2(
  r1csPath: string,
  tau: Awaited<ReturnType<typeof resolvePtau>>,
  zkeys: string[],
  beaconName: string,
  log: Logger,
): Promise<{ secret: Uint8Array; beacon: Uint8Array }> {
  const snarkjs = await loadSnarkjs();
  const slog = snarkjsLogger(log);
  await newZKey(r1csPath, tau, zkeys[0], log);
  // snarkjs mixes this with 64 random bytes of its own; neither is kept anywhere.
  const secret = await snarkjs.zKey.contribute(zkeys[0], zkeys[1], SECRET_CONTRIBUTION_NAME, randomBytes(64).toString("hex"), slog);
  const beacon = await snarkjs.zKey.beacon(zkeys[1], zkeys[2], beaconName, DEV_BEACON, DEV_BEACON_ITERATIONS_EXP, slog);
  if (beacon === false) throw new ProverError(`snarkjs refused the beacon ${DEV_BEACON}`);
  return { secret, beacon };
}
