/**
 * Byte-for-byte comparisons of the development key writers (prover/dev-zkey) with snarkjs, shared
 * by prover/dev-zkey/dev-zkey.test.ts and the 2^15-domain checks of `npm run test:large`
 * (bench/dev-zkey-large.test.ts: that domain needs a 2^16 ptau, whose generation alone costs a
 * minute of CPU, and no model of `npm test` needs one).
 */
import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { defaultPaths } from "../../prover/paths.ts";
import { readR1cs } from "../../prover/r1cs.ts";
import { loadSnarkjs } from "../../prover/snarkjs.ts";
import { ensureDevPtau } from "../../prover/ptau/index.ts";
import { MIN_DEV_POWER, requiredPower } from "../../prover/ceremony/ptau.ts";
import { newDevZKey } from "../../prover/dev-zkey/index.ts";
import { writeDevPhase2Key, type Phase2Step } from "../../prover/dev-zkey/phase2.ts";
import { DEV_BEACON, DEV_BEACON_ITERATIONS_EXP } from "../../prover/setup.ts";
import { writeR1cs, type R1csSpec } from "../../prover/dev-zkey/r1cs-writer.ts";
import type { TempDir } from "./temp-dir.ts";

/** The development ptau a setup of `r1cs` uses (made once into the default cache). */
export async function devPtauFor(r1cs: string): Promise<string> {
  const r = readR1cs(r1cs);
  return ensureDevPtau(Math.max(MIN_DEV_POWER, requiredPower(r.nConstraints, r.nOutputs + r.nPubInputs)), defaultPaths().ptauDir);
}

/** Expects two files to be equal, reporting the first differing byte (not a megabyte diff). */
export function expectSameBytes(name: string, ours: string, theirs: string): void {
  const a = readFileSync(ours), b = readFileSync(theirs);
  let diff = 0;
  while (diff < Math.min(a.length, b.length) && a[diff] === b[diff]) diff++;
  expect({ name, length: a.length, firstDifference: diff }).toEqual({ name, length: b.length, firstDifference: b.length });
}

/** Ours and snarkjs' initial key for the same r1cs and ptau; the first differing byte on failure. */
export async function expectSameAsSnarkjs(tmp: TempDir, name: string, r1cs: string, ptau?: string): Promise<void> {
  ptau ??= await devPtauFor(r1cs);
  const ours = tmp.file(`${name}.ours.zkey`), theirs = tmp.file(`${name}.snarkjs.zkey`);
  const res = await newDevZKey(r1cs, ptau, ours);
  expect(res).toMatchObject({ written: true });
  await (await loadSnarkjs()).zKey.newZKey(r1cs, ptau, theirs);
  expectSameBytes(name, ours, theirs);
}

/** An r1cs file written from `spec` into `tmp`. */
export function handmade(tmp: TempDir, name: string, spec: R1csSpec): string {
  const file = tmp.file(`${name}.r1cs`);
  writeR1cs(file, spec);
  return file;
}

export const TEST_BEACON_NAME = "test beacon";
export const testBeacon: Phase2Step = { kind: "beacon", name: TEST_BEACON_NAME, hash: Buffer.from(DEV_BEACON, "hex"), iterationsExp: DEV_BEACON_ITERATIONS_EXP };
const fixedSecret: Phase2Step = { kind: "secret", name: "fixed test secret", seed: new Uint8Array(32).map((_, i) => (i * 37 + 11) & 0xff) };

/**
 * With one fixed secret: our key with only the secret contribution, snarkjs' beacon over it, and
 * our one-pass key (secret, then beacon) must be the same bytes. Returns the three files and the
 * contribution hashes for further checks.
 */
export async function expectPhase2AsSnarkjsBeacon(tmp: TempDir, name: string, r1cs: string, ptau: string) {
  const [contributed, theirs, ours] = ["contributed", "theirs", "ours"].map((n) => tmp.file(`${name}-${n}.zkey`));
  const c = await writeDevPhase2Key(r1cs, ptau, contributed, [fixedSecret]);
  const snarkjsHash = await (await loadSnarkjs()).zKey.beacon(contributed, theirs, TEST_BEACON_NAME, DEV_BEACON, DEV_BEACON_ITERATIONS_EXP);
  const o = await writeDevPhase2Key(r1cs, ptau, ours, [fixedSecret, testBeacon]);
  if (!c.written || !o.written || snarkjsHash === false) throw new Error(`${name}: not written (${c.written ? "" : c.why} ${o.written ? "" : o.why})`);
  expectSameBytes(name, ours, theirs);
  return { contributed, ours, contributedHashes: c.hashes, oursHashes: o.hashes, snarkjsBeaconHash: snarkjsHash as Uint8Array };
}
