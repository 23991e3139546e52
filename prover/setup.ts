/**
 * Groth16 setup of a circuit, keyed by the circuit hash (sha256 of the r1cs): nothing is
 * rebuilt when the circuit and the powers of tau did not change. With the development
 * powers of tau the whole setup is deterministic (a fixed seed, then a fixed public beacon
 * as the phase-2 contribution), so the verifying-key hash can be recorded in a committed
 * manifest and reproduced anywhere; it is also, necessarily, insecure.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { ProverError } from "./errors.ts";
import { readR1cs } from "./r1cs.ts";
import { loadSnarkjs } from "./snarkjs.ts";
import { ensureDevPtau, importPtau, INSECURE_BANNER } from "./ptau/index.ts";
import { silentLogger, snarkjsLogger, type Logger } from "./logger.ts";
import { toolVersions } from "./versions.ts";

/** A public, fixed beacon: the phase-2 contribution of development setups. */
export const DEV_BEACON = createHash("sha256").update("zkinfer development phase-2 beacon v1").digest("hex");
export const DEV_BEACON_ITERATIONS_EXP = 10;
/** Smallest dev ptau made, so small circuits share one cached file. */
export const MIN_DEV_POWER = 12;

export type PtauSource = { kind: "dev"; cacheDir: string } | { kind: "file"; path: string; expectedHash?: string };

export interface SetupOptions {
  r1csPath: string;
  /** Setups live in <setupDir>/<circuit hash prefix>/. */
  setupDir: string;
  ptau: PtauSource;
  log?: Logger;
}

export interface SetupInfo {
  circuitHash: string;
  constraints: number;
  power: number;
  ptau: { kind: "dev" | "file"; file: string; blake2b?: string; insecure: boolean };
  beacon?: string;
  vkeyHash: string;
  tools: Record<string, string>;
}

export interface SetupResult extends SetupInfo {
  dir: string;
  zkeyPath: string;
  vkeyPath: string;
  cached: boolean;
}

export const hashJson = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex");

/** The power snarkjs' Groth16 setup needs: the domain covers constraints and public inputs, doubled for H. */
export function requiredPower(nConstraints: number, nPublic: number): number {
  return Math.floor(Math.log2(nConstraints + nPublic)) + 2;
}

export async function setupGroth16(o: SetupOptions): Promise<SetupResult> {
  const log = o.log ?? silentLogger;
  if (!existsSync(o.r1csPath)) throw new ProverError(`r1cs file ${o.r1csPath} does not exist (run compile first)`);
  const r1cs = readR1cs(o.r1csPath);
  const circuitHash = createHash("sha256").update(readFileSync(o.r1csPath)).digest("hex");
  const dir = path.join(o.setupDir, circuitHash.slice(0, 16));
  const files = { zkeyPath: path.join(dir, "circuit.zkey"), vkeyPath: path.join(dir, "vkey.json"), info: path.join(dir, "setup.json") };
  const power = Math.max(MIN_DEV_POWER, requiredPower(r1cs.nConstraints, r1cs.nOutputs + r1cs.nPubInputs));
  if (existsSync(files.info) && existsSync(files.zkeyPath)) {
    const info = JSON.parse(readFileSync(files.info, "utf8")) as SetupInfo;
    const sameSource = o.ptau.kind === info.ptau.kind && (o.ptau.kind === "dev" || path.basename(o.ptau.path) === info.ptau.file);
    if (info.circuitHash === circuitHash && sameSource) {
      log.info(`setup for circuit ${circuitHash.slice(0, 12)} is up to date: ${dir}`);
      return { ...info, ...files, dir, cached: true };
    }
  }
  const snarkjs = await loadSnarkjs();
  let ptauFile: string, ptauInfo: SetupInfo["ptau"];
  if (o.ptau.kind === "dev") {
    log.info(`${INSECURE_BANNER}: using a development powers of tau (2^${power})`);
    ptauFile = await ensureDevPtau(power, o.ptau.cacheDir, log);
    ptauInfo = { kind: "dev", file: path.basename(ptauFile), insecure: true };
  } else {
    log.info(`checking ${o.ptau.path} against the published ceremony hash ...`);
    const imported = await importPtau(o.ptau.path, { expectedHash: o.ptau.expectedHash });
    if (imported.power < power) throw new ProverError(`ptau ${o.ptau.path}: power ${imported.power} is too small, the circuit needs ${power}`);
    ptauFile = o.ptau.path;
    ptauInfo = { kind: "file", file: path.basename(ptauFile), blake2b: imported.blake2b, insecure: false };
  }
  mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `tmp-${process.pid}`);
  const zkey0 = `${tmp}.0.zkey`, zkey1 = `${tmp}.1.zkey`;
  const slog = snarkjsLogger(log);
  try {
    log.info(`groth16 setup: ${r1cs.nConstraints} constraints`);
    const t0 = Date.now();
    await snarkjs.zKey.newZKey(o.r1csPath, ptauFile, zkey0, slog);
    // The beacon is a public value: fine for development (the dev tau is known anyway);
    // a production setup adds real contributions (snarkjs zkey contribute) before this.
    await snarkjs.zKey.beacon(zkey0, zkey1, "zkinfer dev beacon (public, INSECURE)", DEV_BEACON, DEV_BEACON_ITERATIONS_EXP, slog);
    const vkey = await snarkjs.zKey.exportVerificationKey(zkey1, slog);
    // Every file is renamed into place, so a concurrent setup of the same circuit (identical,
    // as it is deterministic) never exposes a half-written file.
    writeFileSync(`${tmp}.vkey`, JSON.stringify(vkey, null, 1));
    renameSync(`${tmp}.vkey`, files.vkeyPath);
    renameSync(zkey1, files.zkeyPath);
    const info: SetupInfo = {
      circuitHash,
      constraints: r1cs.nConstraints,
      power,
      ptau: ptauInfo,
      beacon: DEV_BEACON,
      vkeyHash: hashJson(vkey),
      tools: toolVersions(),
    };
    writeFileSync(`${tmp}.json`, JSON.stringify(info, null, 2) + "\n");
    renameSync(`${tmp}.json`, files.info);
    log.info(`setup done in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${dir}`);
    return { ...info, ...files, dir, cached: false };
  } finally {
    rmSync(zkey0, { force: true });
    rmSync(zkey1, { force: true });
  }
}
