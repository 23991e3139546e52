/**
 * The first verifiable model end to end: Groth16 setup on a development powers of tau, real
 * proofs whose public outputs equal onnxruntime's, verified in JavaScript and by the exported
 * Solidity verifier on a real local chain (Hardhat node on 127.0.0.1 over JSON-RPC).
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { openModelDir } from "../prover/model-dir.ts";
import { prepareModel } from "../prover/prepare-model.ts";
import type { SetupResult } from "../prover/setup.ts";
import { proveGroth16, verifyGroth16, decodePublicSignals, type ProofResult } from "../prover/prove.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { inputCommitment } from "../prover/commitment.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { exportGroth16Verifier, deployVerifier, groth16Calldata, callVerifyProof, estimateVerifyGas } from "../verifier-contracts/groth16-verifier.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { BN254_Q, BN254_R } from "../prover/field.ts";

const model = openModelDir("digits-mlp");
const onnxBytes = readFileSync(model.onnxPath);
const samples = splitDigits(loadDigits()).test.slice(0, 3);
let setup: SetupResult, vkey: unknown, wasm: string;
const proofs: ProofResult[] = [];
let chain: LocalChain | undefined;

beforeAll(async () => {
  const chainP = startLocalChain();
  const ready = await prepareModel(model);
  wasm = ready.build.wasm;
  setup = ready.setup;
  vkey = JSON.parse(readFileSync(setup.vkeyPath, "utf8"));
  for (const s of samples) proofs.push(await proveGroth16(setup.zkeyPath, wasm, s.pixels));
  chain = await chainP;
});

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
});

describe("digits-mlp proofs", () => {
  it("the setup is for the manifest's circuit, has a secret contribution before the beacon, and is untrusted (dev ptau)", () => {
    expect(setup.ptau.insecure).toBe(true);
    expect(setup.trusted).toBe(false);
    expect(setup.contributions.map((c) => c.kind)).toEqual(["contribution", "beacon"]);
    expect(setup.circuitHash).toBe(model.manifest.circuit.hash);
  });

  it("a second setup of the unchanged circuit is not rebuilt", async () => {
    const { setup: again } = await prepareModel(model);
    expect(again.cached).toBe(true);
    expect(again.vkeyHash).toBe(setup.vkeyHash);
  });

  it("three proofs verify in JavaScript and prove exactly the served output and input", async () => {
    expect(proofs).toHaveLength(3);
    for (let i = 0; i < 3; i++) {
      const { proof, publicSignals } = proofs[i];
      expect(await verifyGroth16(vkey, publicSignals, proof)).toBe(true);
      const decoded = decodePublicSignals(publicSignals);
      const served = await runOnnx(onnxBytes, Int8Array.from(samples[i].pixels));
      expect(decoded.output.map(Number)).toEqual(served);
      expect(decoded.inputCommitment).toBe(await inputCommitment(samples[i].pixels));
    }
  });

  it("a proof does not verify with another request's public signals", async () => {
    expect(await verifyGroth16(vkey, proofs[1].publicSignals, proofs[0].proof)).toBe(false);
    const tampered = [...proofs[0].publicSignals];
    tampered[1] = ((BigInt(tampered[1]) + 1n) % BN254_R).toString(); // stays a field element (an output of -1 is r - 1)
    expect(await verifyGroth16(vkey, tampered, proofs[0].proof)).toBe(false);
  });

  describe("on a local chain", () => {
    let verifier: Awaited<ReturnType<typeof deployVerifier>>;
    beforeAll(async () => {
      const signer = new Wallet(chain!.privateKeys[0], chain!.provider);
      verifier = await deployVerifier(signer, await exportGroth16Verifier(setup.zkeyPath));
    });

    it("verifyProof is true for every real proof", async () => {
      for (const p of proofs) expect(await callVerifyProof(verifier, groth16Calldata(p.proof, p.publicSignals))).toBe(true);
    });

    it("verifyProof is false for a tampered proof", async () => {
      const [a, b, c, pub] = groth16Calldata(proofs[0].proof, proofs[0].publicSignals);
      const q = BN254_Q;
      const negA: typeof a = [a[0], q - a[1]]; // -A is still on the curve
      expect(await callVerifyProof(verifier, [negA, b, c, pub])).toBe(false);
      const [, , c2] = groth16Calldata(proofs[1].proof, proofs[1].publicSignals);
      expect(await callVerifyProof(verifier, [a, b, c2, pub])).toBe(false);
    });

    it("verifyProof is false for a tampered public signal", async () => {
      const [a, b, c, pub] = groth16Calldata(proofs[0].proof, proofs[0].publicSignals);
      const outIdx = [...pub];
      outIdx[5] = outIdx[5] + 1n; // one logit claimed one higher
      expect(await callVerifyProof(verifier, [a, b, c, outIdx])).toBe(false);
      const commit = [...pub];
      commit[0] = commit[0] ^ 1n;
      expect(await callVerifyProof(verifier, [a, b, c, commit])).toBe(false);
    });

    it("verifyProof costs a bounded amount of gas", async () => {
      const gas = await estimateVerifyGas(verifier, groth16Calldata(proofs[0].proof, proofs[0].publicSignals));
      expect(gas).toBeGreaterThan(200_000n);
      expect(gas).toBeLessThan(400_000n);
    });
  });
});
