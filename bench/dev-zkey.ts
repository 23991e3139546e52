// Times snarkjs' zKey.newZKey against prover/dev-zkey on the given r1cs files with the
// development ptau, and checks the two files are byte-identical.
// Usage: npx tsx bench/dev-zkey.ts path/to/a.r1cs [more.r1cs ...]
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { newDevZKey } from "../prover/dev-zkey/dev-zkey.ts";
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
  }
} finally {
  await rm(tmp, { recursive: true, force: true });
  await terminateSnarkjsCurves();
}
