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
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Contract, ContractFactory, type Signer, type TransactionReceipt } from "ethers";
import { VerifierContractsError } from "./errors.ts";
import { compileSolidity, type CompiledContract } from "./solc.ts";
import { groth16Calldata } from "./groth16-verifier.ts";
import type { Groth16Proof } from "../prover/snarkjs.ts";
import type { Manifest } from "../prover/model-dir.ts";

/** Folder of the Solidity sources; src/test/ holds contracts used by tests only. */
export const CONTRACTS_SRC_DIR = fileURLToPath(new URL("./src/", import.meta.url));

/**
 * Optimizer runs for the zkinfer contracts. settle() and submit() run far more often than the
 * contracts are deployed, so runtime gas wins over code size.
 */
export const ZKINFER_OPTIMIZER_RUNS = 10_000;

/** Flags of IModelRegistry.Model.visibility (libraries/Visibility.sol). */
export const VISIBILITY = { INPUT_HASHED: 1, OUTPUT_HASHED: 2, WEIGHTS_HASHED: 4 } as const;
/** commitmentIndex of a model with a public input. */
export const NO_INPUT_COMMITMENT = 0xffff;
/** weightsIndex of a model whose weights are fixed in its circuit. */
export const NO_WEIGHTS_COMMITMENT = 0xffff;

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

export interface ModelRegistration {
  /** bytes32, 0x-prefixed. */
  modelId: string;
  nPublic: number;
  commitmentIndex: number;
  visibility: number;
  /** Position of "weightsCommitment" in the public signals (hashed weights), else NO_WEIGHTS_COMMITMENT. */
  weightsIndex: number;
  /** The manifest's weightsCommitment (hashed weights), else 0n. */
  weightsCommitment: bigint;
}

/**
 * register()'s model fields from a manifest: id, public-signal count, commitment position, flags,
 * and for hashed weights the weights commitment and its position (refused if the manifest lacks it).
 */
export function registrationFromManifest(m: Pick<Manifest, "modelId" | "publicSignals" | "visibility" | "name" | "weightsCommitment">): ModelRegistration {
  if (!/^[0-9a-f]{64}$/i.test(m.modelId)) throw new VerifierContractsError(`model ${m.name}: manifest modelId must be 64 hex digits, got ${m.modelId}`);
  const flag = (v: string, bit: number, what: string, plain: string) => {
    if (v === "hashed") return bit;
    if (v === plain) return 0;
    throw new VerifierContractsError(`model ${m.name}: manifest visibility.${what} must be "hashed" or "${plain}", got ${v}`);
  };
  const visibility =
    // A salted input commitment is, on chain, an input commitment like any other.
    flag(m.visibility.input === "hashed-salted" ? "hashed" : m.visibility.input, VISIBILITY.INPUT_HASHED, "input", "public") |
    flag(m.visibility.output, VISIBILITY.OUTPUT_HASHED, "output", "public") |
    flag(m.visibility.weights, VISIBILITY.WEIGHTS_HASHED, "weights", "fixed");
  const idx = m.publicSignals.indexOf("inputCommitment");
  let weightsIndex = NO_WEIGHTS_COMMITMENT, weightsCommitment = 0n;
  if (visibility & VISIBILITY.WEIGHTS_HASHED) {
    weightsIndex = m.publicSignals.indexOf("weightsCommitment");
    if (weightsIndex < 0) throw new VerifierContractsError(`model ${m.name}: hashed weights but no "weightsCommitment" in manifest publicSignals`);
    if (typeof m.weightsCommitment !== "string" || !/^\d{1,78}$/.test(m.weightsCommitment)) {
      throw new VerifierContractsError(`model ${m.name}: manifest weightsCommitment must be a decimal string for hashed weights, got ${JSON.stringify(m.weightsCommitment)} (compile the model again)`);
    }
    weightsCommitment = BigInt(m.weightsCommitment);
  }
  return { modelId: `0x${m.modelId.toLowerCase()}`, nPublic: m.publicSignals.length, commitmentIndex: idx < 0 ? NO_INPUT_COMMITMENT : idx, visibility, weightsIndex, weightsCommitment };
}

/** Registers a model from its manifest with `verifier`; resolves to the mined receipt. */
export async function registerModel(registry: Contract, manifest: Parameters<typeof registrationFromManifest>[0], verifier: string, metadataURI: string): Promise<TransactionReceipt> {
  const r = registrationFromManifest(manifest);
  const tx = await registry.getFunction("register")(r.modelId, verifier, r.nPublic, r.commitmentIndex, r.visibility, r.weightsIndex, r.weightsCommitment, metadataURI);
  return (await tx.wait()) as TransactionReceipt;
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

/** The revert data (0x...) carried by an ethers error, wherever the provider put it. */
export function findRevertData(err: unknown, depth = 0): string | undefined {
  if (depth > 6 || err === null || typeof err !== "object") return undefined;
  const o = err as Record<string, unknown>;
  if (typeof o.data === "string" && /^0x[0-9a-f]{8}/i.test(o.data)) return o.data;
  for (const k of ["error", "info", "data", "cause"]) {
    const found = findRevertData(o[k], depth + 1);
    if (found) return found;
  }
  return undefined;
}
