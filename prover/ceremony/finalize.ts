/**
 * `ceremony finalize`: verifies the transcript, requires at least one contribution that is not
 * a beacon (a public-only phase 2 is forgeable), applies the public beacon and installs zkey,
 * vkey and setup.json in the circuit's setup folder. Nothing is written when anything is refused.
 */
import { mkdirSync, rmSync } from "node:fs";
import { ProverError } from "../errors.ts";
import { loadSnarkjs } from "../snarkjs.ts";
import { silentLogger, snarkjsLogger, type Logger } from "../logger.ts";
import { ceremonyCircuit } from "./init.ts";
import { resolvePtau, type PtauSource } from "./ptau.ts";
import { verifyTranscript } from "./verify.ts";
import { installSetup, scratchName } from "./install.ts";
import { setupPaths, type Contribution, type SetupInfo } from "./record.ts";

export interface FinalizeOptions {
  zkeyPath: string;
  r1csPath: string;
  ptau: PtauSource;
  /** A public random value fixed after the last contribution (e.g. a future block hash), hex. */
  beacon: { hash: string; iterationsExp: number };
  /** The setup folder root (the model's build/setup). */
  setupDir: string;
  log?: Logger;
}

export function checkBeacon(b: { hash: string; iterationsExp: number }): void {
  if (!/^([0-9a-fA-F]{2}){1,255}$/.test(b.hash)) throw new ProverError(`option "beacon" must be 1 to 255 bytes of hex (e.g. a block hash without 0x), got ${JSON.stringify(b.hash)}`, { field: "beacon" });
  if (!Number.isInteger(b.iterationsExp) || b.iterationsExp < 10 || b.iterationsExp > 63) {
    throw new ProverError(`option "iterations" must be an integer from 10 to 63 (2^n hashes of the beacon), got ${b.iterationsExp}`, { field: "iterations" });
  }
}

export async function finalizeCeremony(o: FinalizeOptions): Promise<SetupInfo & { zkeyPath: string; vkeyPath: string; dir: string }> {
  const log = o.log ?? silentLogger;
  checkBeacon(o.beacon);
  const c = ceremonyCircuit(o.r1csPath);
  const ptau = await resolvePtau(o.ptau, c.power, log);
  const t = await verifyTranscript({ zkeyPath: o.zkeyPath, r1csPath: o.r1csPath, ptauFile: ptau.file, log });
  if (!t.contributions.some((x) => x.kind === "contribution")) {
    throw new ProverError(`${o.zkeyPath}: refused, it has no contribution yet (${t.contributions.length} beacon(s) only): a key whose phase 2 is public is forgeable; run zkinfer ceremony contribute first`);
  }
  const paths = setupPaths(o.setupDir, c.circuitHash);
  mkdirSync(o.setupDir, { recursive: true });
  const finalZkey = `${scratchName(paths.dir, "tmp")}.zkey`;
  try {
    const name = `zkinfer ceremony beacon${ptau.info.insecure ? " (development ptau: INSECURE)" : ""}`;
    const h = await (await loadSnarkjs()).zKey.beacon(o.zkeyPath, finalZkey, name, o.beacon.hash.toLowerCase(), o.beacon.iterationsExp, snarkjsLogger(log));
    if (h === false) throw new ProverError(`snarkjs refused the beacon ${o.beacon.hash}`);
    const beacon = { hash: o.beacon.hash.toLowerCase(), iterationsExp: o.beacon.iterationsExp };
    const contributions: Contribution[] = [...t.contributions, { name, hash: Buffer.from(h).toString("hex"), kind: "beacon", beacon }];
    const info = await installSetup(paths, finalZkey, { circuitHash: c.circuitHash, constraints: c.constraints, power: ptau.power, ptau: ptau.info, phase2: "ceremony", contributions, beacon }, log);
    return { ...info, zkeyPath: paths.zkeyPath, vkeyPath: paths.vkeyPath, dir: paths.dir };
  } finally {
    rmSync(finalZkey, { force: true });
  }
}
