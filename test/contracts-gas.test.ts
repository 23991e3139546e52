/**
 * Gas of the zkinfer contracts against the committed snapshot (verifier-contracts/snapshots/
 * gas.json, written by `npx tsx verifier-contracts/gas-snapshot.ts`), on a real local chain with
 * real digits-mlp proofs. A figure that moves past the tolerance fails: regenerate the snapshot
 * after an intended change.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { compileZkinfer, ZKINFER_OPTIMIZER_RUNS } from "../verifier-contracts/contracts.ts";
import { proveModelInputs } from "../verifier-contracts/model-proofs.ts";
import { compareGas, measureGas, readGasSnapshot, type GasFigures } from "../verifier-contracts/gas.ts";
import { solcVersion } from "../verifier-contracts/solc.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";

let chain: LocalChain | undefined;
let gas: GasFigures;

beforeAll(async () => {
  const chainP = startLocalChain();
  const artifacts = compileZkinfer({ withTestContracts: true });
  const model = await proveModelInputs("digits-mlp", splitDigits(loadDigits()).test.slice(0, 4).map((s) => s.pixels));
  chain = await chainP;
  const [deployer, client, operator] = chain.privateKeys.map((k) => new Wallet(k, chain!.provider));
  gas = await measureGas({ provider: chain.provider, deployer: deployer!, client: client!, operator: operator!, artifacts, model });
});

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
});

describe("gas", () => {
  it("every figure is within tolerance of the committed snapshot", () => {
    const snap = readGasSnapshot();
    expect(snap.solc).toBe(solcVersion());
    expect(snap.optimizerRuns).toBe(ZKINFER_OPTIMIZER_RUNS);
    expect(compareGas(gas, snap.gas)).toEqual([]);
  });

  it("settle costs the verifier call plus a bounded overhead", () => {
    // The verifier alone (as a transaction) is most of a settlement; what the escrow adds
    // (request, proof record, payout, event) is checked separately so it cannot creep.
    console.log(`settle: ${gas.settleEth} gas (ETH), ${gas.settleErc20} (ERC-20); verifyProof tx ${gas.verifyProofTx}; goal 300000`);
    expect(gas.settleEth - gas.verifyProofTx).toBeLessThan(50_000);
    expect(gas.settleErc20 - gas.verifyProofTx).toBeLessThan(60_000);
  });
});
