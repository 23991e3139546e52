/**
 * The zkinfer contracts (ModelRegistry, InferenceEscrow, ProvenOracle, in src/): compile them
 * once per process with solc-js, deploy them with ethers v6, and turn manifests and snarkjs
 * proofs into their call arguments.
 *
 * @example
 *   const { registry, escrow, oracle } = await deployZkinfer(signer);
 *   const verifier = await deployVerifier(signer, await exportGroth16Verifier(zkeyPath));
 *   await registerModel(registry, manifest, await verifier.getAddress(), "ipfs://...");
 *   await escrow.settle(requestId, ...settleArgs(proof, publicSignals));
 */
import { findRevertData } from "./revert-data.ts";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Contract, ContractFactory, type Signer } from "ethers";
import { VerifierContractsError } from "./errors.ts";
import { compileSolidity, type CompiledContract } from "./solc.ts";
import { groth16Calldata } from "./groth16-verifier.ts";
import type { Groth16Proof } from "../prover/snarkjs.ts";

/** Folder of the Solidity sources; src/test/ holds contracts used by tests only. */
export const CONTRACTS_SRC_DIR = fileURLToPath(new URL("./src/", import.meta.url));

/**
 * Optimizer runs for the zkinfer contracts. settle() and submit() run far more often than the
 * contracts are deployed, so runtime gas wins over code size.
 */
export const ZKINFER_OPTIMIZER_RUNS = 10_000;

export { NO_INPUT_COMMITMENT, NO_NONCE, NO_WEIGHTS_COMMITMENT, VISIBILITY, registerModel, registrationFromManifest, registryLayout, type ModelRegistration, type RegistryLayout } from "./registration.ts";

export type ZkinferArtifacts = Record<string, CompiledContract>;

export interface CompileZkinferOptions {
  /** Also compile src/test/ (TestERC20, RiskLendingPool, ReentrantReceiver). Default false. */
  withTestContracts?: boolean;
  optimizerRuns?: number;
}

function listSol(dir: string, rel = ""): string[] {
  return readdirSync(path.join(dir, rel), { withFileTypes: true }).flatMap((e) => {
    const r = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) return listSol(dir, r);
    return e.name.endsWith(".sol") ? [r] : [];
  });
}

/** The sources keyed by their path under src/ (so relative imports resolve without a callback). */
export function zkinferSources(withTestContracts = false): Record<string, string> {
  const files = listSol(CONTRACTS_SRC_DIR).filter((f) => withTestContracts || !f.startsWith("test/"));
  return Object.fromEntries(files.sort().map((f) => [f, readFileSync(path.join(CONTRACTS_SRC_DIR, f), "utf8")]));
}

const compiled = new Map<string, ZkinferArtifacts>();

/** Compiles src/ once per process and options (solc-js takes a few seconds). */
export function compileZkinfer(opts: CompileZkinferOptions = {}): ZkinferArtifacts {
  const withTest = opts.withTestContracts ?? false;
  const runs = opts.optimizerRuns ?? ZKINFER_OPTIMIZER_RUNS;
  const key = `${withTest}:${runs}`;
  let out = compiled.get(key);
  if (!out) {
    out = compileSolidity(zkinferSources(withTest), { optimizerRuns: runs });
    compiled.set(key, out);
  }
  return out;
}

/** Deploys contract `name` from `artifacts` and waits for it to be mined. */
export async function deployContract(signer: Signer, artifacts: ZkinferArtifacts, name: string, ...args: unknown[]): Promise<Contract> {
  const a = artifacts[name];
  if (!a) throw new VerifierContractsError(`deployContract: no compiled contract ${name} (have: ${Object.keys(artifacts).join(", ")})`);
  const c = await new ContractFactory(a.abi as never[], a.bytecode, signer).deploy(...args);
  await c.waitForDeployment();
  return c as Contract;
}

/** An ethers Contract for `name` at `address` (ABI from the artifacts). */
export function attachContract(artifacts: ZkinferArtifacts, name: string, address: string, runner: Signer): Contract {
  const a = artifacts[name];
  if (!a) throw new VerifierContractsError(`attachContract: no compiled contract ${name}`);
  return new Contract(address, a.abi as never[], runner);
}

export interface ZkinferDeployment {
  registry: Contract;
  escrow: Contract;
  oracle: Contract;
  addresses: { registry: string; escrow: string; oracle: string };
}

export interface DeployZkinferOptions {
  /** Registry owner (default: the signer's address). */
  owner?: string;
  /** Precompiled artifacts (default: compileZkinfer()). */
  artifacts?: ZkinferArtifacts;
}

/** Deploys ModelRegistry, then InferenceEscrow and ProvenOracle bound to it. */
export async function deployZkinfer(signer: Signer, opts: DeployZkinferOptions = {}): Promise<ZkinferDeployment> {
  const artifacts = opts.artifacts ?? compileZkinfer();
  const owner = opts.owner ?? (await signer.getAddress());
  const registry = await deployContract(signer, artifacts, "ModelRegistry", owner);
  const registryAddress = await registry.getAddress();
  const escrow = await deployContract(signer, artifacts, "InferenceEscrow", registryAddress);
  const oracle = await deployContract(signer, artifacts, "ProvenOracle", registryAddress);
  return {
    registry,
    escrow,
    oracle,
    addresses: { registry: registryAddress, escrow: await escrow.getAddress(), oracle: await oracle.getAddress() },
  };
}

/**
 * settle()/submit()'s `proof` and `publicSignals` from a snarkjs proof: verifyProof's pA, pB, pC
 * flattened in ABI order (pB's coordinate pairs swapped, see groth16Calldata).
 */
export function settleArgs(proof: Groth16Proof, publicSignals: Array<string | bigint>): [proof: bigint[], publicSignals: bigint[]] {
  const [a, b, c, pub] = groth16Calldata(proof, publicSignals);
  return [[...a, ...b[0], ...b[1], ...c], pub];
}

/**
 * The name of the custom error in a revert, decoded with `contract`'s ABI, or undefined.
 * Works on the errors ethers v6 throws from sends, estimates and static calls.
 */
export function revertErrorName(contract: Contract, err: unknown): string | undefined {
  const data = findRevertData(err);
  if (!data) return undefined;
  return contract.interface.parseError(data)?.name;
}

export { findRevertData };
