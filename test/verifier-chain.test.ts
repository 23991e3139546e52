/**
 * The snarkjs Groth16 verifier on a real local EVM (Hardhat node over JSON-RPC): a tiny circom
 * circuit is compiled and set up at test time, its verifier exported, compiled with solc-js,
 * deployed, and called with a real proof and with tampered ones.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, type Contract } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { compileSolidity } from "../verifier-contracts/solc.ts";
import {
  callVerifyProof,
  deployVerifier,
  estimateVerifyGas,
  exportGroth16Verifier,
  groth16Calldata,
  groth16CalldataViaSnarkjs,
  type Groth16Calldata,
} from "../verifier-contracts/groth16-verifier.ts";
import { VerifierContractsError } from "../verifier-contracts/errors.ts";
import { loadSnarkjs, terminateSnarkjsCurves, type Groth16Proof } from "../prover/snarkjs.ts";
import { makeTempDir, type TempDir } from "./helpers/temp-dir.ts";
import { compileCircom, groth16Setup, snarkjsTestPtau, REPO_ROOT } from "./helpers/groth16-fixture.ts";
import { BN254_Q } from "../prover/field.ts";

// BN254 base field modulus: -P = (x, q - y).
const Q = BN254_Q;

let tmp: TempDir;
let chain: LocalChain | undefined;
let chainStartMs = 0;
let proof: Groth16Proof;
let publicSignals: string[];
let args: Groth16Calldata;
let verifier: Contract;

beforeAll(async () => {
  tmp = makeTempDir("zkinfer-verifier-chain-");
  // The chain boots (about 1 s) while the circuit is compiled, set up and proved.
  const t0 = Date.now();
  const chainReady = startLocalChain().then((c) => { chainStartMs = Date.now() - t0; chain = c; return c; });
  const proved = (async () => {
    const circuit = await compileCircom(`${REPO_ROOT}test/fixtures/tiny-mul.circom`, tmp.path);
    const ptau = await snarkjsTestPtau(4, tmp.file("tiny.ptau"));
    const zkey = await groth16Setup(circuit.r1cs, ptau, tmp.file("tiny-mul.zkey"));
    const snarkjs = await loadSnarkjs();
    const r = await snarkjs.groth16.fullProve({ a: 3, b: 11, c: 7 }, circuit.wasm, zkey);
    return { zkey, ...r };
  })();
  const [c, p] = await Promise.all([chainReady, proved]);
  proof = p.proof;
  publicSignals = p.publicSignals;
  args = groth16Calldata(proof, publicSignals);
  const solidity = await exportGroth16Verifier(p.zkey);
  verifier = await deployVerifier(new Wallet(c.privateKeys[0]!, c.provider), solidity);
  console.log(`local chain started in ${chainStartMs} ms at ${c.rpcUrl}`);
});

afterAll(async () => {
  await chain?.stop();
  // snarkjs' bn128 worker threads would otherwise keep this process alive.
  await terminateSnarkjsCurves();
  tmp?.remove();
});

describe("Groth16 verifier on a local Hardhat chain", () => {
  it("the chain answers with its chain id and funds the dev accounts", async () => {
    expect(chain!.chainId).toBe(31337);
    expect(Number((await chain!.provider.getNetwork()).chainId)).toBe(31337);
    const first = new Wallet(chain!.privateKeys[0]!);
    expect(await chain!.provider.getBalance(first.address)).toBeGreaterThan(0n);
  });

  it("the proof's public signals are [a*b+c, c]", () => {
    expect(publicSignals).toEqual(["40", "7"]);
  });

  it("groth16Calldata agrees with snarkjs' exportSolidityCallData", async () => {
    expect(await groth16CalldataViaSnarkjs(proof, publicSignals)).toEqual(args);
  });

  it("verifyProof is true for a real proof", async () => {
    expect(await callVerifyProof(verifier, args)).toBe(true);
  });

  it("verifyProof is false when pA is replaced by its negation (another valid curve point)", async () => {
    const [pA, pB, pC, pub] = args;
    const negA: [bigint, bigint] = [pA[0], Q - pA[1]];
    expect(await callVerifyProof(verifier, [negA, pB, pC, pub])).toBe(false);
  });

  it("verifyProof is false for a tampered public signal", async () => {
    const [pA, pB, pC, pub] = args;
    expect(await callVerifyProof(verifier, [pA, pB, pC, [pub[0]! + 1n, pub[1]!]])).toBe(false);
    expect(await callVerifyProof(verifier, [pA, pB, pC, [pub[0]!, pub[1]! + 1n]])).toBe(false);
  });

  it("verifyProof's gas is measured with estimateGas", async () => {
    const gas = await estimateVerifyGas(verifier, args);
    console.log(`verifyProof gas (tiny-mul, 2 public signals, eth_estimateGas): ${gas}`);
    // Pairing precompile with 4 pairs is 181k; plus 21k base, calldata and the MSM.
    expect(gas).toBeGreaterThan(200_000n);
    expect(gas).toBeLessThan(350_000n);
  });

  it("compileSolidity reports solc's error messages with the file name", () => {
    expect(() => compileSolidity({ "Broken.sol": "contract Broken { function f( }" })).toThrowError(
      /Broken\.sol[\s\S]*ParserError/,
    );
  });

  it("exportGroth16Verifier names a missing zkey file", async () => {
    const missing = tmp.file("no-such.zkey");
    await expect(exportGroth16Verifier(missing)).rejects.toThrowError(VerifierContractsError);
    await expect(exportGroth16Verifier(missing)).rejects.toThrowError(missing);
  });
});
