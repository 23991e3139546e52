/**
 * The initial Groth16 key (snarkjs' zKey.newZKey output) of a circuit. With the development
 * powers of tau, whose toxic waste is public and re-derived here (and checked against the
 * file), the key is computed from known exponents, several times faster and byte-identical
 * to snarkjs' (./dev-zkey.ts). A ceremony file, or a dev file that fails any check, goes to
 * snarkjs itself: nothing about a real ceremony depends on this shortcut. devPhase2Key goes
 * further on the same condition: the whole local key, phase 2 included (./phase2.ts).
 */
import { loadSnarkjs } from "../snarkjs.ts";
import { snarkjsLogger, type Logger } from "../logger.ts";
import { newDevZKey } from "./dev-zkey.ts";
import { secretStep, writeDevPhase2Key } from "./phase2.ts";

export { newDevZKey, type DevZKeyResult } from "./dev-zkey.ts";

export async function newZKey(r1csPath: string, ptau: { file: string; info: { kind: "dev" | "file" } }, zkeyPath: string, log: Logger): Promise<void> {
  if (ptau.info.kind === "dev") {
    const t0 = Date.now();
    const dev = await newDevZKey(r1csPath, ptau.file, zkeyPath).catch((e: unknown) => ({ written: false as const, why: e instanceof Error ? e.message : String(e) }));
    if (dev.written) {
      log.info(`initial zkey from the development ptau's known exponents in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return;
    }
    log.info(`initial zkey: snarkjs newZKey (the development shortcut does not apply: ${dev.why})`);
  }
  await (await loadSnarkjs()).zKey.newZKey(r1csPath, ptau.file, zkeyPath, snarkjsLogger(log));
}

/**
 * A local setup's final key (newZKey, a secret contribution, the public beacon) in one pass on
 * the development ptau; undefined, after logging why, for anything else: the caller then runs
 * snarkjs' steps. The secret is drawn here (secretStep) and dropped when this returns.
 */
export async function devPhase2Key(
  r1csPath: string,
  ptau: { file: string; info: { kind: "dev" | "file" } },
  zkeyPath: string,
  p: { secretName: string; beaconName: string; beaconHash: string; iterationsExp: number },
  log: Logger,
): Promise<{ secret: Uint8Array; beacon: Uint8Array } | undefined> {
  if (ptau.info.kind !== "dev") return undefined;
  const t0 = Date.now();
  const beacon = { kind: "beacon" as const, name: p.beaconName, hash: Buffer.from(p.beaconHash, "hex"), iterationsExp: p.iterationsExp };
  const res = await writeDevPhase2Key(r1csPath, ptau.file, zkeyPath, [secretStep(p.secretName), beacon]).catch((e: unknown) => ({ written: false as const, why: e instanceof Error ? e.message : String(e) }));
  if (!res.written) {
    log.info(`phase 2: snarkjs contribute and beacon (the development one-pass key does not apply: ${res.why})`);
    return undefined;
  }
  log.info(`key with its phase 2 (secret contribution, beacon) from the development ptau's known exponents in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { secret: res.hashes[0], beacon: res.hashes[1] };
}
