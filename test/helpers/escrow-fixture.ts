/**
 * One local chain with the zkinfer contracts deployed and digits-mlp registered, with real
 * Groth16 proofs, for the escrow and registry attack tests; and the revert assertions they share
 * (a refusal must name its error and the offending values).
 */
import { expect } from "vitest";
import { Wallet, type Contract } from "ethers";
import { startLocalChain, type LocalChain } from "../../verifier-contracts/local-chain.ts";
import { deployVerifier } from "../../verifier-contracts/groth16-verifier.ts";
import { compileZkinfer, deployZkinfer, registerModel, registrationFromManifest, settleArgs, type ZkinferArtifacts } from "../../verifier-contracts/contracts.ts";
import { namedRevert } from "../../verifier-contracts/revert.ts";
import { proveModelInputs, type ModelProofs } from "../../verifier-contracts/model-proofs.ts";
import type { ProofResult } from "../../prover/prove.ts";
import { loadDigits, splitDigits } from "../../models/lib/digits.ts";

export interface EscrowFixture {
  chain: LocalChain;
  artifacts: ZkinferArtifacts;
  /** digits-mlp with one proof per input. */
  A: ModelProofs;
  deployer: Wallet;
  client: Wallet;
  operator: Wallet;
  stranger: Wallet;
  registry: Contract;
  escrow: Contract;
  oracle: Contract;
  /** digits-mlp's model id (bytes32). */
  modelA: string;
  verifierA: string;
}

/** The first `n` test digits. */
export const digitInputs = (n: number) => splitDigits(loadDigits()).test.slice(0, n).map((s) => s.pixels);

export async function startEscrowFixture(nProofs: number): Promise<EscrowFixture> {
  const chainP = startLocalChain();
  const artifacts = compileZkinfer({ withTestContracts: true });
  const A = await proveModelInputs("digits-mlp", digitInputs(nProofs));
  const chain = await chainP;
  const [deployer, client, operator, stranger] = chain.privateKeys.slice(0, 4).map((k) => new Wallet(k, chain.provider)) as [Wallet, Wallet, Wallet, Wallet];
  const { registry, escrow, oracle } = await deployZkinfer(deployer, { artifacts });
  const verifierA = await (await deployVerifier(deployer, A.verifierSol)).getAddress();
  await registerModel(registry, A.model.manifest, verifierA, "ipfs://digits-mlp");
  const modelA = registrationFromManifest(A.model.manifest).modelId;
  return { chain, artifacts, A, deployer, client, operator, stranger, registry, escrow, oracle, modelA, verifierA };
}

/** Sends `fn` on `c` and waits for the receipt. */
export async function send(c: Contract, fn: string, ...a: unknown[]) {
  const tx = await c.getFunction(fn)(...a);
  return tx.wait();
}

/**
 * Expects `sent` to revert with `c`'s custom error, e.g. "ZeroPrice()" or
 * "AmountReceivedMismatch(0xAb.., 1000, 900)" (addresses checksummed, numbers in decimal).
 */
export async function expectRevert(sent: Promise<unknown>, c: Contract, expected: string): Promise<void> {
  let err: unknown;
  try { await sent; } catch (e) { err = e; }
  if (err === undefined) throw new Error(`expected a revert with ${expected}, but the call succeeded`);
  expect(namedRevert(c, err), String(err).slice(0, 300)).toBe(expected);
}

export async function deadlineIn(chain: LocalChain, secs: number): Promise<bigint> {
  return BigInt((await chain.provider.getBlock("latest"))!.timestamp + secs);
}

export async function timeTravel(chain: LocalChain, secs: number): Promise<void> {
  await chain.provider.send("evm_increaseTime", [secs]);
  await chain.provider.send("evm_mine", []);
}

export const commitOf = (p: ProofResult) => BigInt(p.publicSignals[0]!);
export const argsOf = (p: ProofResult) => settleArgs(p.proof, p.publicSignals);

/** The id of the request the last open created. */
export async function lastRequestId(escrow: Contract): Promise<bigint> {
  return (await escrow.getFunction("nextRequestId")()) - 1n;
}
