/**
 * Output files of the ceremony steps: never over an existing file, always through a
 * temporary name in the same folder, so a refused or failed step leaves nothing behind.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import path from "node:path";
import { ProverError } from "../errors.ts";

export async function writeNew<T>(out: string, what: string, make: (tmp: string) => Promise<T>): Promise<T> {
  if (existsSync(out)) throw new ProverError(`${what} ${out} already exists; choose a new file name (a ceremony keeps every step's file)`);
  mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
  try {
    const r = await make(tmp);
    renameSync(tmp, out);
    return r;
  } finally {
    rmSync(tmp, { force: true });
  }
}
