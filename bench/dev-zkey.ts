// Times snarkjs' zKey.newZKey against prover/dev-zkey on the given r1cs files with the
// development ptau, and checks the two files are byte-identical; then a local setup's phase 2:
// snarkjs' contribute + beacon on that key against the one-pass key (prover/dev-zkey/phase2.ts;
// its bytes are compared with snarkjs' in prover/dev-zkey/phase2.test.ts, not here).
// Usage: npx tsx bench/dev-zkey.ts path/to/a.r1cs [more.r1cs ...]
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { newDevZKey } from "../prover/dev-zkey/dev-zkey.ts";
import { secretStep, writeDevPhase2Key } from "../prover/dev-zkey/phase2.ts";
import { DEV_BEACON, DEV_BEACON_ITERATIONS_EXP } from "../prover/setup.ts";
import { readR1cs } from "../prover/r1cs.ts";
import { ensureDevPtau } from "../prover/ptau/index.ts";
import { MIN_DEV_POWER, requiredPower } from "../prover/ceremony/ptau.ts";
import { loadSnarkjs, terminateSnarkjsCurves } from "../prover/snarkjs.ts";

const tmp = await mkdtemp(path.join(os.tmpdir(), "dev-zkey-bench-"));
try {
  for (const r1cs of process.argv.slice(2)) {
    const r = readR1cs(r1cs);
    const power = Math.max(MIN_DEV_POWER, requiredPower(r.nConstraints, r.nOutputs + r.nPubInputs));
    const ptau = await ensureDevPtau(power, "build/ptau");
    const ours = path.join(tmp, "ours.zkey"), theirs = path.join(tmp, "snarkjs.zkey");
    // CPU seconds of the whole process, worker threads included (snarkjs' and ours): on a
    // shared machine wall time includes waiting for a core, CPU time does not.
    const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
    let t = performance.now(), c = cpu();
    const res = await newDevZKey(r1cs, ptau, ours);
    const tOurs = (performance.now() - t) / 1000, cOurs = cpu() - c;
    if (!res.written) throw new Error(`dev-zkey refused: ${res.why}`);
    t = performance.now();
    c = cpu();
    await (await loadSnarkjs()).zKey.newZKey(r1cs, ptau, theirs);
    const tSnarkjs = (performance.now() - t) / 1000, cSnarkjs = cpu() - c;
    const same = readFileSync(ours).equals(readFileSync(theirs));
    console.log(`${path.basename(r1cs)}: ${r.nConstraints} constraints, ${r.nWires} wires: snarkjs newZKey ${tSnarkjs.toFixed(1)} s wall / ${cSnarkjs.toFixed(1)} s CPU, dev-zkey ${tOurs.toFixed(1)} s wall / ${cOurs.toFixed(1)} s CPU, byte-identical: ${same}, load average ${os.loadavg()[0].toFixed(1)}`);
    if (!same) process.exitCode = 1;

    const snarkjs = await loadSnarkjs();
    const [c1, c2, one] = ["c1", "c2", "one"].map((n) => path.join(tmp, `${n}.zkey`));
    t = performance.now();
    c = cpu();
    await snarkjs.zKey.contribute(theirs, c1, "bench", randomBytes(64).toString("hex"));
    await snarkjs.zKey.beacon(c1, c2, "bench beacon", DEV_BEACON, DEV_BEACON_ITERATIONS_EXP);
    const tPhase2 = (performance.now() - t) / 1000, cPhase2 = cpu() - c;
    t = performance.now();
    c = cpu();
    const beacon = { kind: "beacon" as const, name: "bench beacon", hash: Buffer.from(DEV_BEACON, "hex"), iterationsExp: DEV_BEACON_ITERATIONS_EXP };
    const onePass = await writeDevPhase2Key(r1cs, ptau, one, [secretStep("bench"), beacon]);
    if (!onePass.written) throw new Error(`one pass refused: ${onePass.why}`);
    const tOne = (performance.now() - t) / 1000, cOne = cpu() - c;
    console.log(`  whole key: snarkjs newZKey + contribute + beacon ${(tSnarkjs + tPhase2).toFixed(1)} s wall / ${(cSnarkjs + cPhase2).toFixed(1)} s CPU, one pass ${tOne.toFixed(1)} s wall / ${cOne.toFixed(1)} s CPU, load average ${os.loadavg()[0].toFixed(1)}`);
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
  await terminateSnarkjsCurves();
}
