/**
 * A small Groth16 setup made entirely by snarkjs' own tools (newAccumulator + contribute +
 * preparePhase2, fine at 2^4..2^8), independent of prover/ptau's development generator, so the
 * verifier-contract test does not rest on our own ptau code. Only for tests.
 */
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { loadSnarkjs } from "../../prover/snarkjs.ts";

export { REPO_ROOT, compileCircom } from "../../prover/circom.ts";

/** A phase-2-ready powers of tau of size 2^power, written to `outPath`. */
export async function snarkjsTestPtau(power: number, outPath: string): Promise<string> {
  const snarkjs = await loadSnarkjs();
  const curve = await snarkjs.curves.getCurveFromName("bn128");
  const p0 = `${outPath}.0`;
  const p1 = `${outPath}.1`;
  await snarkjs.powersOfTau.newAccumulator(curve, power, p0);
  await snarkjs.powersOfTau.contribute(p0, p1, "zkinfer test", "zkinfer test entropy (not secret)");
  await snarkjs.powersOfTau.preparePhase2(p1, outPath);
  return outPath;
}

/**
 * Groth16 setup: r1cs + ptau -> zkey with one phase-2 contribution of fresh randomness, like
 * every key zkinfer makes (without it delta = 1 and anyone can forge proofs).
 */
export async function groth16Setup(r1cs: string, ptau: string, zkeyPath: string): Promise<string> {
  const snarkjs = await loadSnarkjs();
  await snarkjs.zKey.newZKey(r1cs, ptau, `${zkeyPath}.0`);
  await snarkjs.zKey.contribute(`${zkeyPath}.0`, zkeyPath, "zkinfer test", randomBytes(32).toString("hex"));
  rmSync(`${zkeyPath}.0`, { force: true });
  return zkeyPath;
}
