/**
 * The initial Groth16 key (snarkjs' zKey.newZKey output) of a circuit. With the development
 * powers of tau, whose toxic waste is public and re-derived here (and checked against the
 * file), the key is computed from known exponents, several times faster and byte-identical
 * to snarkjs' (./dev-zkey.ts). A ceremony file, or a dev file that fails any check, goes to
 * snarkjs itself: nothing about a real ceremony depends on this shortcut.
 */
import { loadSnarkjs } from "../snarkjs.ts";
import { snarkjsLogger, type Logger } from "../logger.ts";
import { newDevZKey } from "./dev-zkey.ts";

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
