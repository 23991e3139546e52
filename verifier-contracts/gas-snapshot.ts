/**
 * Writes snapshots/gas.json and snapshots/gas.md: the gas of the zkinfer contracts with real
 * digits-mlp proofs on a local Hardhat node. Run: `npx tsx verifier-contracts/gas-snapshot.ts`.
 * The contract test test/contracts-gas.test.ts fails when a figure drifts from the snapshot.
 */
import { writeFileSync } from "node:fs";
import { Wallet } from "ethers";
import { startLocalChain } from "./local-chain.ts";
import { compileZkinfer, ZKINFER_OPTIMIZER_RUNS } from "./contracts.ts";
import { proveModelInputs } from "./model-proofs.ts";
import { GAS_LABELS, GAS_SNAPSHOT_PATH, measureGas, writeGasSnapshot, type GasKey, type GasSnapshot } from "./gas.ts";
import { solcVersion } from "./solc.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";

/** Chain and compiler settings the figures depend on. */
export async function gasSettings(clientVersion: string, nPublic: number): Promise<Omit<GasSnapshot, "gas">> {
  return {
    solc: solcVersion(),
    optimizerRuns: ZKINFER_OPTIMIZER_RUNS,
    evmVersion: "cancun",
    chain: `${clientVersion} (hardhat node, default hardfork, automine)`,
    model: "digits-mlp",
    nPublic,
  };
}

async function main() {
  const chain = await startLocalChain();
  try {
    const samples = splitDigits(loadDigits()).test.slice(0, 4).map((s) => s.pixels);
    const model = await proveModelInputs("digits-mlp", samples);
    const [deployer, client, operator] = chain.privateKeys.map((k) => new Wallet(k, chain.provider));
    const gas = await measureGas({ provider: chain.provider, deployer: deployer!, client: client!, operator: operator!, artifacts: compileZkinfer({ withTestContracts: true }), model });
    const snap: GasSnapshot = { ...(await gasSettings(await chain.provider.send("web3_clientVersion", []), model.model.manifest.publicSignals.length)), gas };
    writeGasSnapshot(snap);
    const rows = (Object.keys(GAS_LABELS) as GasKey[]).map((k) => `| \`${k}\` | ${gas[k].toLocaleString("en-US")} | ${GAS_LABELS[k]} |`);
    const md = [
      "# Gas snapshot",
      "",
      "Written by `npx tsx verifier-contracts/gas-snapshot.ts`; `test/contracts-gas.test.ts` fails when a",
      "figure moves by more than max(1 %, 1,000 gas). Regenerate after an intended change and commit both files.",
      "",
      `- solc ${snap.solc}, optimizer on, runs ${snap.optimizerRuns}, evmVersion ${snap.evmVersion}`,
      `- chain: ${snap.chain}, chain id ${chain.chainId}`,
      `- model: ${snap.model} (${snap.nPublic} public signals: input commitment + 10 logits), real Groth16 proofs (development setup)`,
      "- figures are receipts' gasUsed (after refunds) unless the row says otherwise",
      "",
      "| figure | gas | what |",
      "| --- | ---: | --- |",
      ...rows,
      "",
      "## Where a settlement's gas goes (goal: under 300,000)",
      "",
      `settle (ETH) is ${gas.settleEth.toLocaleString("en-US")} gas. Of it:`,
      "",
      "- 21,000 transaction base and about 10,600 of calldata (708 bytes: id, 8 proof words, 11 signals);",
      `- ${gas.verifyProofInContract.toLocaleString("en-US")} for the verifier call, of which 248,650 are the BN254 precompiles`,
      "  (11 ecMul x 6,000 + 11 ecAdd x 150 + pairing 45,000 + 4 x 34,000) and 2,600 the cold verifier account;",
      "- about 22,100 for the used-proof record (a fresh storage slot), about 9,300 for the ETH payout",
      "  (value call to a cold account), and a few thousand for the request (7 cold reads, 6 slots cleared",
      "  for a 28,800 refund, status write) and the event.",
      "",
      "The verifier alone, sent as a transaction, is already ~285,000: the goal leaves ~15,000 for",
      "everything else, less than one fresh storage slot plus one value transfer. Without the",
      "used-proof record a settlement would be ~309,000. The lever that does reach the goal is the",
      "number of public signals: each costs an ecMul (6,000) + ecAdd (150) + ~520 of calldata. With",
      "the outputs hashed (2 public signals: input and output commitments) verification is ~60,000",
      "cheaper and a settlement would be ~270,000 (estimate, not measured here).",
      "",
    ].join("\n");
    writeFileSync(GAS_SNAPSHOT_PATH.replace(/\.json$/, ".md"), md);
    console.log(md);
  } finally {
    await chain.stop();
    await terminateSnarkjsCurves();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
