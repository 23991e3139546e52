/**
 * Gas of the zkinfer contracts against the committed snapshot (verifier-contracts/snapshots/
 * gas.json, written by `npx tsx verifier-contracts/gas-snapshot.ts`), on a real local chain with
 * real digits-mlp proofs, in two layouts: the committed default (11 public signals) and the
 * same model with its output hashed (2 public signals; verifier and registration only, since the
 * escrow refuses to open requests for it). A figure that moves past the tolerance
 * fails: regenerate the snapshot after an intended change.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { compileZkinfer, ZKINFER_OPTIMIZER_RUNS } from "../verifier-contracts/contracts.ts";
import { compareGas, readGasSnapshot } from "../verifier-contracts/gas.ts";
import { gasSamples, measureLayouts, type MeasuredLayouts } from "../verifier-contracts/gas-snapshot.ts";
import { solcVersion } from "../verifier-contracts/solc.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { outputCommitment } from "../prover/commitment.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";

let chain: LocalChain | undefined;
let measured: MeasuredLayouts;

beforeAll(async () => {
  const chainP = startLocalChain();
  const artifacts = compileZkinfer({ withTestContracts: true });
  chain = await chainP;
  measured = await measureLayouts(chain.provider, chain.privateKeys, artifacts);
});

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
});

describe("gas", () => {
  it("every figure of both layouts is within tolerance of the committed snapshot", () => {
    const snap = readGasSnapshot();
    expect(snap.solc).toBe(solcVersion());
    expect(snap.optimizerRuns).toBe(ZKINFER_OPTIMIZER_RUNS);
    expect(snap.layouts.default.nPublic).toBe(11);
    expect(snap.layouts.hashedOutput.nPublic).toBe(2);
    expect(snap.layouts.default.modelId).toBe(measured.models.default.model.manifest.modelId);
    expect(snap.layouts.hashedOutput.modelId).toBe(measured.models.hashedOutput.model.manifest.modelId);
    expect(compareGas(measured.gas.default, snap.layouts.default.gas)).toEqual([]);
    expect(compareGas(measured.gas.hashedOutput, snap.layouts.hashedOutput.gas)).toEqual([]);
  });

  it("settle costs the verifier call plus a bounded overhead", () => {
    // The verifier alone (as a transaction) is most of a settlement; what the escrow adds
    // (request, code-hash check, payout, event with the signals) is checked separately so it cannot creep.
    const { default: d, hashedOutput: h } = measured.gas;
    console.log(`settle: ${d.settleEth} gas (ETH), ${d.settleErc20} (ERC-20); verifyProof tx ${d.verifyProofTx}; hashed output: verifyProof tx ${h.verifyProofTx}; goal 300000`);
    expect(d.settleEth - d.verifyProofTx).toBeLessThan(50_000);
    expect(d.settleErc20 - d.verifyProofTx).toBeLessThan(60_000);
  });

  it("hashed output: 9 fewer public signals make the verifier cheaper (the escrow refuses the layout, see measureVerifier)", () => {
    const { default: d, hashedOutput: h } = measured.gas;
    // Each public signal is an ecMul (6,000) + ecAdd (150) in the verifier plus its calldata.
    expect(d.verifyProofInContract - h.verifyProofInContract).toBeGreaterThan(9 * 6_150);
    expect(d.verifyProofTx - h.verifyProofTx).toBeGreaterThan(9 * 6_150);
  });

  it("hashed output: the client checks the output it was served against outputCommitment with the salt", async () => {
    const m = measured.models.hashedOutput;
    const served = await runOnnx(readFileSync(m.model.onnxPath), Int8Array.from(gasSamples()[0]!));
    expect(m.proofs[0]!.publicSignals[1]).toBe(String(await outputCommitment(served, m.salts[0]!)));
  });
});
