/**
 * The snarkjs Groth16 verifier contract, end to end: export its Solidity from a .zkey, compile
 * and deploy it, turn a snarkjs proof into the typed arguments of `verifyProof`, and call or
 * gas-estimate it.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { ContractFactory, type Contract, type Signer } from "ethers";
import { VerifierContractsError } from "./errors.ts";
import { compileSolidity, type CompileOptions } from "./solc.ts";
import { loadSnarkjs, type Groth16Proof } from "../prover/snarkjs.ts";

/** `verifyProof(uint[2] pA, uint[2][2] pB, uint[2] pC, uint[N] pubSignals)` arguments. */
export type Groth16Calldata = [
  pA: [bigint, bigint],
  pB: [[bigint, bigint], [bigint, bigint]],
  pC: [bigint, bigint],
  pubSignals: bigint[],
];

/** The snarkjs package directory, found from its resolved entry (no path relative to this file). */
function snarkjsDir(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve("snarkjs"));
  while (!existsSync(path.join(dir, "templates", "verifier_groth16.sol.ejs"))) {
    const up = path.dirname(dir);
    if (up === dir) throw new VerifierContractsError("snarkjs templates/verifier_groth16.sol.ejs not found above the resolved snarkjs entry");
    dir = up;
  }
  return dir;
}

/** Solidity source of the Groth16 verifier for `zkeyPath` (contract `Groth16Verifier`). */
export async function exportGroth16Verifier(zkeyPath: string): Promise<string> {
  if (!existsSync(zkeyPath)) throw new VerifierContractsError(`exportGroth16Verifier: zkey file not found: ${zkeyPath}`);
  const template = readFileSync(path.join(snarkjsDir(), "templates", "verifier_groth16.sol.ejs"), "utf8");
  const snarkjs = await loadSnarkjs();
  // snarkjs picks the template by the zkey's protocol; only groth16 is offered, so a PLONK or
  // FFLONK zkey fails here instead of yielding a contract for the wrong proof system.
  const sol = await snarkjs.zKey.exportSolidityVerifier(zkeyPath, { groth16: template });
  if (typeof sol !== "string" || !sol.includes("contract Groth16Verifier")) {
    throw new VerifierContractsError(`exportGroth16Verifier: ${zkeyPath} is not a Groth16 zkey (no Groth16Verifier produced)`);
  }
  return sol;
}

/** Compiles `solidityText` and deploys its `Groth16Verifier` from `signer`; waits for the receipt. */
export async function deployVerifier(signer: Signer, solidityText: string, opts: CompileOptions = {}): Promise<Contract> {
  const compiled = compileSolidity({ "Groth16Verifier.sol": solidityText }, opts);
  const verifier = compiled["Groth16Verifier"];
  if (!verifier) {
    throw new VerifierContractsError(`deployVerifier: Groth16Verifier.sol defines no contract Groth16Verifier (found: ${Object.keys(compiled).join(", ") || "none"})`);
  }
  const contract = await new ContractFactory(verifier.abi as never[], verifier.bytecode, signer).deploy();
  await contract.waitForDeployment();
  return contract as Contract;
}

function toBig(v: unknown, where: string): bigint {
  if (typeof v !== "string" && typeof v !== "bigint" && typeof v !== "number") {
    throw new VerifierContractsError(`groth16Calldata: ${where} must be a decimal string or bigint, got ${typeof v}`);
  }
  try { return BigInt(v); } catch { throw new VerifierContractsError(`groth16Calldata: ${where} is not an integer: ${String(v)}`); }
}

/**
 * Builds `verifyProof`'s arguments from a snarkjs proof. The G2 point B swaps each coordinate
 * pair: snarkjs stores Fq2 elements as [c0, c1], the EIP-197 pairing precompile wants [c1, c0]
 * (the same swap as snarkjs' exportSolidityCallData). The affine coordinates are used; the third,
 * projective one is 1 in snarkjs' output.
 */
export function groth16Calldata(proof: Groth16Proof, publicSignals: Array<string | bigint>): Groth16Calldata {
  const { pi_a: a, pi_b: b, pi_c: c } = proof;
  if (!Array.isArray(a) || !Array.isArray(b) || !Array.isArray(c) || !Array.isArray(b[0]) || !Array.isArray(b[1])) {
    throw new VerifierContractsError("groth16Calldata: proof needs pi_a, pi_b (2 pairs) and pi_c arrays");
  }
  const g1 = (p: unknown[], n: string): [bigint, bigint] => [toBig(p[0], `${n}[0]`), toBig(p[1], `${n}[1]`)];
  return [
    g1(a, "pi_a"),
    [
      [toBig(b[0][1], "pi_b[0][1]"), toBig(b[0][0], "pi_b[0][0]")],
      [toBig(b[1][1], "pi_b[1][1]"), toBig(b[1][0], "pi_b[1][0]")],
    ],
    g1(c, "pi_c"),
    publicSignals.map((s, i) => toBig(s, `publicSignals[${i}]`)),
  ];
}

/** Same arguments, obtained by parsing snarkjs' own `groth16.exportSolidityCallData` text. */
export async function groth16CalldataViaSnarkjs(proof: Groth16Proof, publicSignals: string[]): Promise<Groth16Calldata> {
  const text = await (await loadSnarkjs()).groth16.exportSolidityCallData(proof, publicSignals);
  // The text is four comma-separated JSON arrays of "0x.." strings: wrap it into one array.
  const parsed = JSON.parse(`[${text}]`) as [string[], string[][], string[], string[]];
  const big = (xs: string[]) => xs.map((x) => BigInt(x));
  const [pA, pB, pC, pub] = parsed;
  return [big(pA) as [bigint, bigint], pB.map(big) as Groth16Calldata[1], big(pC) as [bigint, bigint], big(pub)];
}

/** Calls `verifyProof` (eth_call): true only if the pairing check passes. */
export async function callVerifyProof(contract: Contract, args: Groth16Calldata): Promise<boolean> {
  return (await contract.getFunction("verifyProof").staticCall(...args)) as boolean;
}

/**
 * Gas of `verifyProof` sent as a transaction (eth_estimateGas): includes the 21000 base and the
 * calldata cost, i.e. what a contract-free caller would pay.
 */
export async function estimateVerifyGas(contract: Contract, args: Groth16Calldata): Promise<bigint> {
  return contract.getFunction("verifyProof").estimateGas(...args);
}
