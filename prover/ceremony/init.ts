/** `ceremony init`: the initial phase-2 key of a circuit (snarkjs newZKey: delta = 1, no contribution). */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { ProverError } from "../errors.ts";
import { readR1cs } from "../r1cs.ts";
import { silentLogger, type Logger } from "../logger.ts";
import { newZKey } from "../dev-zkey/index.ts";
import { requiredPower, resolvePtau, type PtauSource } from "./ptau.ts";
import { writeNew } from "./files.ts";
import type { SetupInfo } from "./record.ts";

export interface CeremonyCircuit {
  r1csPath: string;
  circuitHash: string;
  constraints: number;
  power: number;
}

/** The facts of a circuit a ceremony needs (its sha256 keys the setup folder). */
export function ceremonyCircuit(r1csPath: string): CeremonyCircuit {
  if (!existsSync(r1csPath)) throw new ProverError(`r1cs file ${r1csPath} does not exist (run compile first)`);
  const r1cs = readR1cs(r1csPath);
  return {
    r1csPath,
    circuitHash: createHash("sha256").update(readFileSync(r1csPath)).digest("hex"),
    constraints: r1cs.nConstraints,
    power: requiredPower(r1cs.nConstraints, r1cs.nOutputs + r1cs.nPubInputs),
  };
}

export interface InitOptions {
  r1csPath: string;
  ptau: PtauSource;
  /** The initial zkey to write (must not exist). */
  out: string;
  log?: Logger;
}

export async function initCeremony(o: InitOptions): Promise<{ zkeyPath: string; circuitHash: string; ptau: SetupInfo["ptau"] }> {
  const log = o.log ?? silentLogger;
  const c = ceremonyCircuit(o.r1csPath);
  const ptau = await resolvePtau(o.ptau, c.power, log);
  await writeNew(o.out, "initial zkey", (tmp) => newZKey(c.r1csPath, ptau, tmp, log));
  return { zkeyPath: o.out, circuitHash: c.circuitHash, ptau: ptau.info };
}
