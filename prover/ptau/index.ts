// Facade of the ptau package: development powers-of-tau generation (INSECURE, known
// toxic waste) and verified import of real Hermez ceremony files.
export { PtauError } from "./errors.ts";
export { generateDevPtau, INSECURE_BANNER, type DevPtauResult } from "./generate-dev-ptau.ts";
export { ensureDevPtau, devPtauFileName } from "./ensure-dev-ptau.ts";
export { importPtau, blake2b512File, type ImportPtauOptions, type ImportedPtau } from "./import-ptau.ts";
export { readPtauHeader, type PtauHeader } from "./read-header.ts";
export { HERMEZ_CEREMONY_FILES, ceremonyFileForPower, type CeremonyFile } from "./ceremony-hashes.ts";
export type { DevPtauOptions, PtauLogger } from "./options.ts";
export { DEV_PTAU_SEED, deriveDevSecrets } from "./secrets.ts";
