// importPtau: accepts a real ceremony file (e.g. powersOfTau28_hez_final_16.ptau) only if
// its blake2b-512 hash matches the published one and its header has the expected power,
// so a corrupted or substituted file never reaches a trusted setup.
import { createReadStream } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { ceremonyFileForPower } from "./ceremony-hashes.ts";
import { PtauError } from "./errors.ts";
import { readPtauHeader } from "./read-header.ts";

export interface ImportPtauOptions {
  /** Expected power; default: the power in the file's header. */
  power?: number;
  /** Hex blake2b-512 to require instead of the published one (tests, private ceremonies). */
  expectedHash?: string;
}

export interface ImportedPtau {
  path: string;
  power: number;
  ceremonyPower: number;
  blake2b: string;
  /** Has the Lagrange sections 12..15 that `groth16 setup` / `plonk setup` need. */
  prepared: boolean;
}

/** Streams the file through blake2b-512 (files reach several GB). */
export function blake2b512File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash("blake2b512");
    createReadStream(file, { highWaterMark: 1 << 22 })
      .on("data", (chunk) => hash.update(chunk))
      .on("error", (e) => reject(new PtauError(`${file}: cannot read ptau file: ${e.message}`, { cause: e })))
      .on("end", () => resolve(hash.digest("hex")));
  });
}

export async function importPtau(file: string, opts: ImportPtauOptions = {}): Promise<ImportedPtau> {
  const header = await readPtauHeader(file);
  if (opts.power !== undefined && opts.power !== header.power) {
    throw new PtauError(`importPtau: ${file}: header says power ${header.power}, but option "power" is ${opts.power}`);
  }
  let expected = opts.expectedHash?.toLowerCase();
  let label = "the expectedHash option";
  if (expected === undefined) {
    const published = ceremonyFileForPower(header.power);
    if (!published) {
      throw new PtauError(`importPtau: ${file}: no published ceremony hash for power ${header.power} (known: 8..28); pass option "expectedHash"`);
    }
    expected = published.blake2b;
    label = `published ${published.fileName}`;
  }
  if (!/^[0-9a-f]{128}$/.test(expected)) {
    throw new PtauError(`importPtau: option "expectedHash" must be 128 hex digits (blake2b-512), got ${opts.expectedHash}`);
  }
  const actual = await blake2b512File(file);
  if (actual !== expected) {
    throw new PtauError(
      `importPtau: ${path.basename(file)} (${file}) does not match ${label}: blake2b-512 expected ${expected}, actual ${actual}`,
    );
  }
  return {
    path: file,
    power: header.power,
    ceremonyPower: header.ceremonyPower,
    blake2b: actual,
    prepared: [12, 13, 14, 15].every((id) => header.sections.has(id)),
  };
}
