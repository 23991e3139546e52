/**
 * The one-pass development phase 2 must leave exactly what snarkjs' contribute then beacon
 * leave: a key snarkjs' own verifier accepts from the r1cs and ptau (transcript, proofs of
 * knowledge, L and H against the initial key), the beacon record and file byte for byte, the
 * contribution hashes snarkjs computes over the records, and proofs that verify only when true.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileCircom, REPO_ROOT } from "../circom.ts";
import { defaultPaths } from "../paths.ts";
import { readR1cs } from "../r1cs.ts";
import { loadSnarkjs, terminateSnarkjsCurves } from "../snarkjs.ts";
import { calculateWtns } from "../witness.ts";
import { ensureDevPtau } from "../ptau/index.ts";
import { MIN_DEV_POWER, requiredPower } from "../ceremony/ptau.ts";
import { readZkeyTranscript } from "../ceremony/transcript.ts";
import { secretStep, writeDevPhase2Key } from "./phase2.ts";
import { randomConstraints, writeR1cs } from "./r1cs-writer.ts";
import { makeTempDir } from "../../test/helpers/temp-dir.ts";
import { expectPhase2AsSnarkjsBeacon, TEST_BEACON_NAME, testBeacon } from "../../test/helpers/dev-zkey-compare.ts";

const tmp = makeTempDir("zkinfer-dev-phase2-test-");
let r1cs: string, wasm: string, ptau: string;
beforeAll(async () => {
  const c = await compileCircom(path.join(REPO_ROOT, "prover", "dev-zkey", "fixtures", "publics.circom"), tmp.file("publics"));
  r1cs = c.r1cs;
  wasm = tmp.file("publics", "publics_js", "publics.wasm");
  const r = readR1cs(r1cs);
  ptau = await ensureDevPtau(Math.max(MIN_DEV_POWER, requiredPower(r.nConstraints, r.nOutputs + r.nPubInputs)), defaultPaths().ptauDir);
}, 120_000);
afterAll(async () => { tmp.remove(); await terminateSnarkjsCurves(); });

const beaconName = TEST_BEACON_NAME;
const beacon = testBeacon;
const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

/** snarkjs' verifyFromR1cs, and the contribution hashes it logs (its own hashPubKey of each record). */
async function snarkjsVerify(zkey: string, circuit = r1cs): Promise<{ ok: boolean; hashes: string[] }> {
  const lines: string[] = [];
  const log = { debug: () => {}, info: (m: string) => lines.push(m), warn: (m: string) => lines.push(m), error: (m: string) => lines.push(m) };
  const ok = await (await loadSnarkjs()).zKey.verifyFromR1cs(circuit, ptau, zkey, log);
  // It lists them latest first.
  const hashes = lines.filter((l) => l.startsWith("contribution #")).map((l) => l.split(":\n")[1].replace(/\s/g, "")).reverse();
  return { ok, hashes };
}

describe("writeDevPhase2Key (secret contribution + beacon in one pass)", () => {
  it("writes a key snarkjs verifies from the r1cs and ptau, with the contribution hashes snarkjs computes", async () => {
    const out = tmp.file("one-pass.zkey");
    const res = await writeDevPhase2Key(r1cs, ptau, out, [secretStep("local secret"), beacon]);
    if (!res.written) throw new Error(res.why);
    const v = await snarkjsVerify(out);
    expect(v).toEqual({ ok: true, hashes: res.hashes.map(hex) });
    // Our reader of section 10 agrees, and sees the names and the beacon.
    const t = await readZkeyTranscript(out);
    expect(t.contributions.map((c) => [c.name, c.hash, c.kind])).toEqual([["local secret", hex(res.hashes[0]), "contribution"], [beaconName, hex(res.hashes[1]), "beacon"]]);
  });

  // Also on a hand-made r1cs with duplicate terms, coefficients >= r and private signals in no
  // constraint (their L point is the point at infinity).
  for (const which of ["publics", "hand-made"] as const) {
    it(`leaves the beacon record and the file byte-identical to snarkjs' beacon over the contributed key (${which})`, async () => {
      const circuit = which === "publics" ? r1cs : tmp.file("random.r1cs");
      if (which === "hand-made") writeR1cs(circuit, { nOutputs: 2, nPubInputs: 3, nPrvInputs: 2, nVars: 30, constraints: randomConstraints(7, 80, 30, new Set([5, 20])) });
      const r = await expectPhase2AsSnarkjsBeacon(tmp, which, circuit, ptau);
      expect((await snarkjsVerify(r.contributed, circuit)).ok).toBe(true);
      expect([hex(r.oursHashes[0]), hex(r.oursHashes[1])]).toEqual([hex(r.contributedHashes[0]), hex(r.snarkjsBeaconHash)]);
      expect((await snarkjsVerify(r.ours, circuit)).ok).toBe(true);
    });
  }

  it("makes keys whose proofs verify only for the true statement and witness", async () => {
    const zkey = tmp.file("prove.zkey");
    expect((await writeDevPhase2Key(r1cs, ptau, zkey, [secretStep("s"), beacon])).written).toBe(true);
    const snarkjs = await loadSnarkjs();
    const vkey = await snarkjs.zKey.exportVerificationKey(zkey);
    const input = { a: 3, b: 11, unused: 5, p: 7 };
    const { proof, publicSignals } = await snarkjs.groth16.fullProve(input, wasm, zkey);
    expect(await snarkjs.groth16.verify(vkey, publicSignals, proof)).toBe(true);
    const lie = [...publicSignals];
    lie[0] = String(BigInt(lie[0]) + 1n);
    expect(await snarkjs.groth16.verify(vkey, lie, proof)).toBe(false);
    // A witness with its last (private, internal) wire changed: the proof made from it fails.
    const wtns = await calculateWtns(wasm, input);
    wtns[wtns.length - 32] ^= 1;
    const bad = await snarkjs.groth16.prove(readFileSync(zkey), { type: "mem", data: wtns });
    expect(await snarkjs.groth16.verify(vkey, bad.publicSignals, bad.proof)).toBe(false);
  });

  it("draws a new secret each time: two keys differ in delta", async () => {
    const [x, y] = [tmp.file("x.zkey"), tmp.file("y.zkey")];
    for (const f of [x, y]) expect((await writeDevPhase2Key(r1cs, ptau, f, [secretStep("s"), beacon])).written).toBe(true);
    const [vx, vy] = await Promise.all([x, y].map(async (f) => (await (await loadSnarkjs()).zKey.exportVerificationKey(f)) as { vk_delta_2: unknown }));
    expect(vx.vk_delta_2).not.toEqual(vy.vk_delta_2);
  });
});
