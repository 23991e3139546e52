/**
 * The powers of tau of a setup or ceremony: the INSECURE development generator (cached), or a
 * ceremony file accepted only if its blake2b-512 is the published one (or the given one).
 */
import path from "node:path";
import { ProverError } from "../errors.ts";
import { ensureDevPtau, importPtau, INSECURE_BANNER, PtauError } from "../ptau/index.ts";
import type { Logger } from "../logger.ts";
import type { SetupInfo } from "./record.ts";

export type PtauSource = { kind: "dev"; cacheDir: string } | { kind: "file"; path: string; expectedHash?: string };

/** Smallest dev ptau made, so small circuits share one cached file. */
export const MIN_DEV_POWER = 12;

/** The power snarkjs' Groth16 setup needs: the domain covers constraints and public inputs, doubled for H. */
export function requiredPower(nConstraints: number, nPublic: number): number {
  return Math.floor(Math.log2(nConstraints + nPublic)) + 2;
}

export async function resolvePtau(src: PtauSource, power: number, log: Logger): Promise<{ file: string; info: SetupInfo["ptau"] }> {
  if (src.kind === "dev") {
    log.info(`${INSECURE_BANNER}: using a development powers of tau (2^${power})`);
    const file = await ensureDevPtau(power, src.cacheDir, log);
    return { file, info: { kind: "dev", file: path.basename(file), insecure: true } };
  }
  log.info(`checking ${src.path} against the published ceremony hash ...`);
  // A refused ceremony file is bad input, like any other: one error type for prover/'s callers.
  const imported = await importPtau(src.path, { expectedHash: src.expectedHash }).catch((e: unknown) => {
    throw e instanceof PtauError ? new ProverError(e.message, { cause: e }) : e;
  });
  if (imported.power < power) throw new ProverError(`ptau ${src.path}: power ${imported.power} is too small, the circuit needs ${power}`);
  return { file: src.path, info: { kind: "file", file: path.basename(src.path), blake2b: imported.blake2b, insecure: false } };
}
