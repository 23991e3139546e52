// Validation of generateDevPtau's options, with messages that name the option.
import os from "node:os";
import { PtauError } from "./errors.ts";
import { DEV_PTAU_SEED } from "./secrets.ts";

import type { Logger } from "../logger.ts";

/** Receives progress messages: zkinfer's one Logger type (console fits). */
export type PtauLogger = Logger;

export interface DevPtauOptions {
  /** log2 of the maximum number of constraints, 1..28. */
  power: number;
  /** Where to write the .ptau file (written to a temporary name, then renamed). */
  outPath: string;
  /** Seed the toxic waste is derived from; default DEV_PTAU_SEED. */
  seed?: string;
  /** Worker threads; default: number of CPU cores. */
  threads?: number;
  logger?: PtauLogger;
}

export interface ResolvedDevPtauOptions {
  power: number;
  outPath: string;
  seed: string;
  threads: number;
  logger?: PtauLogger;
}

export const MAX_POWER = 28;

export function resolveDevPtauOptions(opts: DevPtauOptions): ResolvedDevPtauOptions {
  const where = "generateDevPtau";
  if (opts === null || typeof opts !== "object") throw new PtauError(`${where}: options object is required`);
  const { power, outPath, seed = DEV_PTAU_SEED, threads = defaultThreads(), logger } = opts;
  if (typeof power !== "number" || !Number.isInteger(power) || power < 1 || power > MAX_POWER) {
    throw new PtauError(`${where}: option "power" must be an integer from 1 to ${MAX_POWER}, got ${String(power)}`);
  }
  if (power === MAX_POWER) {
    // Section 12 then needs a 2^29-point domain, which snarkjs builds from two 2^28 cosets
    // (Fr has 2-adicity 28); this generator only implements root-of-unity domains.
    throw new PtauError(`${where}: option "power" = 28 is not supported by the dev generator (its 2^29 Lagrange segment needs the coset domain); use power <= 27, or importPtau() with the real ceremony file`);
  }
  if (typeof outPath !== "string" || outPath.length === 0) {
    throw new PtauError(`${where}: option "outPath" must be a non-empty file path, got ${String(outPath)}`);
  }
  if (typeof seed !== "string" || seed.length === 0) {
    throw new PtauError(`${where}: option "seed" must be a non-empty string`);
  }
  if (typeof threads !== "number" || !Number.isInteger(threads) || threads < 1 || threads > 256) {
    throw new PtauError(`${where}: option "threads" must be an integer from 1 to 256, got ${String(threads)}`);
  }
  return { power, outPath, seed, threads, logger };
}

function defaultThreads(): number {
  return typeof os.availableParallelism === "function" ? os.availableParallelism() : os.cpus().length;
}
