/**
 * The powers of tau of a setup or ceremony: the INSECURE development generator (cached), or a
 * ceremony file accepted only if its blake2b-512 is the published one (or the given one). A file
 * accepted with the caller's own hash is recorded as not published: the hash shows the file is
 * the one meant, not that its tau is unknown, so keys made from it are never trusted.
 */
import { open } from "node:fs/promises";
import path from "node:path";
import { ProverError } from "../errors.ts";
import { ensureDevPtau, importPtau, readPtauHeader, INSECURE_BANNER, PtauError } from "../ptau/index.ts";
import type { Logger } from "../logger.ts";
import { isPublishedPtauHash, type SetupInfo } from "./record.ts";
import { defaultPaths } from "../paths.ts";

export type PtauSource = { kind: "dev"; cacheDir: string } | { kind: "file"; path: string; expectedHash?: string };

/**
 * The development powers of tau (INSECURE: its tau is public), cached in cacheDir; by default
 * the data directory's ptau/ (prover/paths.ts), the one default every caller shares.
 */
export function devPtau(cacheDir: string = defaultPaths().ptauDir): PtauSource {
  return { kind: "dev", cacheDir };
}

/** Smallest dev ptau made, so small circuits share one cached file. */
export const MIN_DEV_POWER = 12;

/** The power snarkjs' Groth16 setup needs: the domain covers constraints and public inputs, doubled for H. */
export function requiredPower(nConstraints: number, nPublic: number): number {
  return Math.floor(Math.log2(nConstraints + nPublic)) + 2;
}

/** The name our development generator gives its one contribution (section 7 of the file). */
const DEV_MARK = Buffer.from("INSECURE dev ptau, toxic waste known");

/** A file made by the development generator, whatever hash it is presented with. */
async function isDevPtau(file: string): Promise<boolean> {
  const s = (await readPtauHeader(file)).sections.get(7);
  if (!s) return false;
  const fd = await open(file, "r");
  try {
    const buf = Buffer.alloc(Math.min(s.size, 1 << 20));
    await fd.read(buf, 0, buf.length, s.offset);
    return buf.includes(DEV_MARK);
  } finally {
    await fd.close();
  }
}

/**
 * `power` is what the circuit needs; the dev generator makes at least MIN_DEV_POWER, so small
 * circuits share a file. Returns the power to record: the dev file's, or the circuit's.
 */
export async function resolvePtau(src: PtauSource, power: number, log: Logger): Promise<{ file: string; power: number; info: SetupInfo["ptau"] }> {
  if (src.kind === "dev") {
    power = Math.max(MIN_DEV_POWER, power);
    log.info(`${INSECURE_BANNER}: using a development powers of tau (2^${power})`);
    const file = await ensureDevPtau(power, src.cacheDir, log);
    return { file, power, info: { kind: "dev", file: path.basename(file), insecure: true } };
  }
  log.info(`checking ${src.path} against the published ceremony hash ...`);
  // A refused ceremony file is bad input, like any other: one error type for prover/'s callers.
  const imported = await importPtau(src.path, { expectedHash: src.expectedHash }).catch((e: unknown) => {
    throw e instanceof PtauError ? new ProverError(e.message, { cause: e, field: /option "expectedHash" must be/.test(e.message) ? "ptauHash" : "ptau" }) : e;
  });
  if (imported.power < power) throw new ProverError(`ptau ${src.path}: power ${imported.power} is too small, the circuit needs ${power}`, { field: "ptau" });
  if (await isDevPtau(src.path)) {
    throw new ProverError(`ptau ${src.path}: made by zkinfer's development generator (tau is public), not a ceremony; use the development path, which is labelled INSECURE`, { field: "ptau" });
  }
  const published = isPublishedPtauHash(imported.blake2b);
  if (!published) log.info(`ptau ${src.path}: blake2b matches the given --ptau-hash but is not a published ceremony file; keys made from it are NOT trusted`);
  return { file: src.path, power, info: { kind: "file", file: path.basename(src.path), blake2b: imported.blake2b, published, insecure: false } };
}
