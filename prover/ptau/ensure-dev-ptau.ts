// ensureDevPtau: a per-power cache of INSECURE development ptau files, so tests and dev
// servers generate each one once (processes asking at the same time take turns: ../file-lock.ts).
// The name carries the power and a hash of the seed; generateDevPtau writes to a
// temporary name and renames, so a crash never leaves a half-written file under the
// cached name.
import { access } from "node:fs/promises";
import path from "node:path";
import { PtauError } from "./errors.ts";
import { generateDevPtau } from "./generate-dev-ptau.ts";
import { withFileLock } from "../file-lock.ts";
import { resolveDevPtauOptions, type PtauLogger } from "./options.ts";
import { readPtauHeader } from "./read-header.ts";
import { DEV_PTAU_SEED, seedTag } from "./secrets.ts";

const inFlight = new Map<string, Promise<string>>();

export function devPtauFileName(power: number, seed: string = DEV_PTAU_SEED): string {
  return `dev_insecure_pot${String(power).padStart(2, "0")}_${seedTag(seed)}.ptau`;
}

/** Path of the cached INSECURE dev ptau for `power` (default seed), generating it if missing. */
export function ensureDevPtau(power: number, cacheDir: string, logger?: PtauLogger): Promise<string> {
  if (typeof cacheDir !== "string" || cacheDir.length === 0) {
    return Promise.reject(new PtauError(`ensureDevPtau: "cacheDir" must be a non-empty directory path`));
  }
  const file = path.resolve(cacheDir, devPtauFileName(Number.isInteger(power) ? power : 0));
  // Concurrent callers in one process share one generation.
  let p = inFlight.get(file);
  if (!p) {
    p = (async () => {
      if (await usable(file, power)) {
        logger?.info(`DEVELOPMENT ONLY: using cached insecure dev ptau ${file}`);
        return file;
      }
      // Bad options are refused before the lock, which would create the cache directory.
      resolveDevPtauOptions({ power, outPath: file, logger });
      // Other processes wanting the same file wait for this one instead of generating it too.
      return withFileLock(`${file}.lock`, async () => {
        if (!(await usable(file, power))) await generateDevPtau({ power, outPath: file, logger });
        return file;
      });
    })().finally(() => inFlight.delete(file));
    inFlight.set(file, p);
  }
  return p;
}

async function usable(file: string, power: number): Promise<boolean> {
  try {
    await access(file);
  } catch {
    return false;
  }
  const h = await readPtauHeader(file).catch(() => undefined);
  return !!h && h.power === power && h.sections.has(15);
}
