/**
 * digits-mlp figures: constraints, setup, witness, prove (median of 5), verify, proof size,
 * verify gas. Run: npx tsx bench/digits-mlp.ts   → bench/results/digits-mlp.{json,md}
 * The setup runs into a fresh folder each time (the dev ptau file is cached and timed apart).
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { Wallet } from "ethers";
import { prepareModel } from "../prover/prepare-model.ts";
import { setupGroth16, devPtau } from "../prover/setup.ts";
import { defaultPaths } from "../prover/paths.ts";
import { proveGroth16, verifyGroth16 } from "../prover/prove.ts";
import { calculateWtns } from "../prover/witness.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { ensureDevPtau, generateDevPtau } from "../prover/ptau/index.ts";
import { startLocalChain } from "../verifier-contracts/local-chain.ts";
import { exportGroth16Verifier, deployVerifier, groth16Calldata, estimateVerifyGas } from "../verifier-contracts/groth16-verifier.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { describeMachine, median, timed } from "./lib/machine.ts";

const RUNS = 5;
const { model, build } = await prepareModel("digits-mlp", { setup: false });
const digits = splitDigits(loadDigits()).test;
const ptauDir = defaultPaths().ptauDir;
const scratch = path.join(REPO_ROOT, "build", `bench-setup-${process.pid}`);
mkdirSync(scratch, { recursive: true });

// Timed fresh, into the scratch folder; the setups below use the shared cache.
const [, ptauMs] = await timed(() => generateDevPtau({ power: 12, outPath: path.join(scratch, "fresh.ptau") }));
await ensureDevPtau(12, ptauDir);
const setupTimes: number[] = [];
let setup!: Awaited<ReturnType<typeof setupGroth16>>;
for (let i = 0; i < 3; i++) {
  rmSync(path.join(scratch, "setup"), { recursive: true, force: true });
  const [s, ms] = await timed(() => setupGroth16({ r1csPath: build.r1cs, setupDir: path.join(scratch, "setup"), ptau: devPtau(ptauDir) }));
  setup = s;
  setupTimes.push(ms);
}
const vkey = JSON.parse(readFileSync(setup.vkeyPath, "utf8"));

const witnessTimes: number[] = [], proveTimes: number[] = [], verifyTimes: number[] = [];
let last!: Awaited<ReturnType<typeof proveGroth16>>;
await proveGroth16(setup.zkeyPath, build.wasm, digits[0].pixels); // warm-up: loads wasm and curve
for (let i = 0; i < RUNS; i++) {
  const x = digits[i + 1].pixels;
  witnessTimes.push((await timed(() => calculateWtns(build.wasm, x)))[1]);
  const [p, ms] = await timed(() => proveGroth16(setup.zkeyPath, build.wasm, x));
  proveTimes.push(ms);
  last = p;
  const [ok, vms] = await timed(() => verifyGroth16(vkey, p.publicSignals, p.proof));
  if (!ok) throw new Error("a benchmark proof did not verify");
  verifyTimes.push(vms);
}

const chain = await startLocalChain();
let gas: bigint;
try {
  const verifier = await deployVerifier(new Wallet(chain.privateKeys[0], chain.provider), await exportGroth16Verifier(setup.zkeyPath));
  gas = await estimateVerifyGas(verifier, groth16Calldata(last.proof, last.publicSignals));
} finally {
  await chain.stop();
}
rmSync(scratch, { recursive: true, force: true });
await terminateSnarkjsCurves();

const round = (x: number) => Math.round(x * 10) / 10;
const results = {
  model: "digits-mlp",
  machine: describeMachine(),
  constraints: model.manifest.circuit.constraints,
  devPtau2p12Ms: round(ptauMs),
  setupMs: { median: round(median(setupTimes)), runs: setupTimes.map(round), note: "groth16 newZKey + one secret contribution + beacon, ptau excluded" },
  witnessMs: { median: round(median(witnessTimes)), runs: witnessTimes.map(round) },
  proveMs: { median: round(median(proveTimes)), runs: proveTimes.map(round), note: "witness + groth16 prove, single process" },
  verifyMs: { median: round(median(verifyTimes)), runs: verifyTimes.map(round) },
  proofBytes: { uncompressed: 256, calldataBytes: 4 + 8 * 32 + last.publicSignals.length * 32, publicSignals: last.publicSignals.length },
  verifyGas: { estimateGas: Number(gas), note: "eth_estimateGas of verifyProof, includes the 21,000 base and calldata" },
};
const outDir = path.join(REPO_ROOT, "bench", "results");
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, "digits-mlp.json"), JSON.stringify(results, null, 2) + "\n");
const m = results.machine;
writeFileSync(path.join(outDir, "digits-mlp.md"), `# digits-mlp benchmark

Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, ${m.os}, Node ${m.node}; ${m.date}; 1-min load average at start ${m.loadAverage}.
Command: \`npx tsx bench/digits-mlp.ts\`. Times are medians.

| figure | value |
|---|---|
| constraints | ${results.constraints} |
| dev powers of tau 2^12 (INSECURE), generated fresh | ${results.devPtau2p12Ms} ms |
| Groth16 setup (median of 3) | ${results.setupMs.median} ms |
| witness (median of ${RUNS}) | ${results.witnessMs.median} ms |
| prove, witness included (median of ${RUNS}) | ${results.proveMs.median} ms |
| verify in JavaScript (median of ${RUNS}) | ${results.verifyMs.median} ms |
| proof size | 256 bytes (Groth16, uncompressed); verifyProof calldata ${results.proofBytes.calldataBytes} bytes with ${results.proofBytes.publicSignals} public signals |
| verifyProof gas | ${results.verifyGas.estimateGas} (estimateGas: includes 21,000 base + calldata) |
`);
process.stdout.write(readFileSync(path.join(outDir, "digits-mlp.md"), "utf8"));
