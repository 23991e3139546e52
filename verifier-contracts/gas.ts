/**
 * Gas of the zkinfer contracts on a real local chain, as one scenario shared by the snapshot
 * script (gas-snapshot.ts writes snapshots/gas.json) and the test that compares against it.
 * Two public-signal layouts of the same model are measured: the committed default (input
 * commitment + public outputs; the full scenario, measureGas) and the output hashed (input and
 * output commitments; verifier and registration only, measureVerifier: the escrow refuses to
 * open requests for a hashed-output model, so it has no settlement to measure).
 * Every figure is a mined receipt's gasUsed (refunds included), except the verifier ones:
 * `verifyProofTx` is eth_estimateGas of a direct call (21,000 base and calldata included) and
 * `verifyProofInContract` is gasleft() around the generic call inside a contract.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MaxUint256, type Contract, type JsonRpcProvider, type Signer, type TransactionReceipt } from "ethers";
import { deployVerifier, estimateVerifyGas, groth16Calldata } from "./groth16-verifier.ts";
import { deployContract, deployZkinfer, registerModel, registrationFromManifest, revertErrorName, settleArgs, type ZkinferArtifacts } from "./contracts.ts";
import type { ModelProofs } from "./model-proofs.ts";
import type { NonceVariant } from "./nonce-variant.ts";

export const GAS_SNAPSHOT_PATH = fileURLToPath(new URL("./snapshots/gas.json", import.meta.url));

/** What a measurement means; the snapshot's .md repeats these. */
export const GAS_LABELS = {
  deployVerifier: "deploying the model's Groth16Verifier (creation transaction)",
  verifyProofTx: "verifyProof called directly, eth_estimateGas (21,000 base + calldata + verifier)",
  verifyProofInContract: "generic verifier call inside a contract (encode + staticcall), gasleft() delta",
  register: "ModelRegistry.register (record with layout and verifier code hash + metadata URI)",
  openRequestEth: "InferenceEscrow.openRequest paid in ETH (the request copies the verifier code hash: one more slot)",
  openRequestErc20: "InferenceEscrow.openRequestWithToken (escrow already holds the token)",
  settleEth: "InferenceEscrow.settle, ETH payout (checks + code-hash check + verify + payout + event with the signals)",
  settleErc20: "InferenceEscrow.settle, ERC-20 payout (operator already holds the token)",
  refundEth: "InferenceEscrow.refund after the deadline, ETH",
  oracleCreateFeed: "ProvenOracle.createFeed",
  oracleSubmitFirst: "ProvenOracle.submit, first value of a feed",
  oracleSubmit: "ProvenOracle.submit, later value",
} as const;
export type GasKey = keyof typeof GAS_LABELS;
export type GasFigures = Record<GasKey, number>;

/** The figures measured for every layout: one model's verifier and its registration. */
export const VERIFIER_KEYS = ["deployVerifier", "register", "verifyProofTx", "verifyProofInContract"] as const satisfies readonly GasKey[];
export type VerifierKey = (typeof VERIFIER_KEYS)[number];
export type VerifierFigures = Record<VerifierKey, number>;

/** One public-signal layout of the model in the snapshot. */
export interface LayoutSnapshot<F> {
  label: string;
  /** bytes32 registered for it (hex, no 0x) and how it is derived. */
  modelId: string;
  modelIdRule: string;
  nPublic: number;
  publicSignals: string[];
  gas: F;
}

export interface GasSnapshot {
  solc: string;
  optimizerRuns: number;
  evmVersion: string;
  chain: string;
  model: string;
  layouts: {
    /** The committed model: input commitment + 10 public logits. Full scenario. */
    default: LayoutSnapshot<GasFigures>;
    /** The same ONNX compiled with visibility output "hashed": input and output commitments. */
    hashedOutput: LayoutSnapshot<VerifierFigures>;
  };
}

export interface GasScenario {
  provider: JsonRpcProvider;
  deployer: Signer;
  client: Signer;
  operator: Signer;
  artifacts: ZkinferArtifacts;
  /** At least 3 proofs of the model (each settles once). */
  model: ModelProofs;
  /**
   * The oracle's figures (full scenario only): the model compiled with a nonce (a feed needs one)
   * and 2 inputs, proved at the chain's time.
   */
  oracle?: { model: NonceVariant; inputs: number[][] };
}

const used = (r: TransactionReceipt | null) => Number(r!.gasUsed);
async function mined(tx: Promise<{ wait(): Promise<TransactionReceipt | null> }>) {
  return (await tx).wait();
}

type Proof = ModelProofs["proofs"][number];

/**
 * The part of the scenario every layout shares, on fresh deployments: deploy the model's
 * verifier, register it, verify `p0` directly and through the probe. Returns the figures and
 * what the rest of the full scenario builds on.
 */
async function measureVerifierWith(s: Omit<GasScenario, "model">, model: ModelProofs, p0: Proof) {
  const { artifacts } = s;
  const verifier = await deployVerifier(s.deployer, model.verifierSol);
  const verifierAddress = await verifier.getAddress();
  const deployReceipt = await verifier.deploymentTransaction()!.wait();
  const deployment = await deployZkinfer(s.deployer, { artifacts });
  const { registry } = deployment;
  const reg = registrationFromManifest(model.model.manifest);
  const g = {} as VerifierFigures;
  g.deployVerifier = used(deployReceipt);

  g.register = used(await registerModel(registry, model.model.manifest, verifierAddress, "ipfs://zkinfer/gas-snapshot"));
  g.verifyProofTx = Number(await estimateVerifyGas(verifier, groth16Calldata(p0.proof, p0.publicSignals)));
  const probe = await deployContract(s.deployer, artifacts, "Groth16CallProbe");
  const selector = await probe.getFunction("selectorFor")(reg.nPublic);
  const [ok, inContract] = (await probe.getFunction("measure")(verifierAddress, selector, ...settleArgs(p0.proof, p0.publicSignals))) as [boolean, bigint];
  if (!ok) throw new Error("measureGas: the probe's verifier call returned false");
  g.verifyProofInContract = Number(inContract);
  return { g, deployment, reg };
}

/**
 * A hashed-output layout's figures (VERIFIER_KEYS), with its first proof, on fresh deployments;
 * throws unless the escrow refuses to open a request for it (ModelOutputHashed).
 */
export async function measureVerifier(s: GasScenario): Promise<VerifierFigures> {
  const p0 = s.model.proofs[0];
  if (!p0) throw new Error("measureVerifier needs a proof");
  const { g, deployment: { escrow }, reg } = await measureVerifierWith(s, s.model, p0);
  const deadline = BigInt((await s.provider.getBlock("latest"))!.timestamp + 3600);
  const refused = await (escrow.connect(s.client) as Contract).getFunction("openRequest")
    .staticCall(reg.modelId, BigInt(p0.publicSignals[reg.commitmentIndex]!), await s.operator.getAddress(), deadline, { value: 1n })
    .then(() => "opened", (e: unknown) => revertErrorName(escrow, e));
  if (refused !== "ModelOutputHashed") throw new Error(`measureVerifier: openRequest for a hashed-output model should revert ModelOutputHashed, got ${refused}`);
  return g;
}

/** The default layout's shared part plus one ETH request opened and settled. */
async function measureSettlementWith(s: Omit<GasScenario, "model">, model: ModelProofs, p0: Proof) {
  const { provider } = s;
  const base = await measureVerifierWith(s, model, p0);
  const { deployment: { escrow }, reg } = base;
  const g = base.g as VerifierFigures & Pick<GasFigures, "openRequestEth" | "settleEth">;
  const operator = await s.operator.getAddress();
  const asClient = escrow.connect(s.client) as Contract;
  const asOperator = escrow.connect(s.operator) as Contract;
  const deadline = async (secs: number) => BigInt((await provider.getBlock("latest"))!.timestamp + secs);
  const commit = (p: Proof) => BigInt(p.publicSignals[reg.commitmentIndex]);
  const open = async (p: Proof, secs = 3600) => {
    const r = await mined(asClient.getFunction("openRequest")(reg.modelId, commit(p), operator, await deadline(secs), { value: 10n ** 15n }));
    return { gas: used(r), id: (await escrow.getFunction("nextRequestId")()) - 1n };
  };

  const eth = await open(p0);
  g.openRequestEth = eth.gas;
  g.settleEth = used(await mined(asOperator.getFunction("settle")(eth.id, ...settleArgs(p0.proof, p0.publicSignals))));
  return { ...base, g, operator, asClient, asOperator, deadline, commit, open };
}

/** Runs the scenario on fresh deployments and returns the figures. Advances the chain's clock. */
export async function measureGas(s: GasScenario): Promise<GasFigures> {
  const { model, artifacts, provider } = s;
  if (model.proofs.length < 3) throw new Error("measureGas needs at least 3 proofs");
  if (!s.oracle || s.oracle.inputs.length < 2) throw new Error("measureGas needs the model's nonce variant and 2 inputs for the oracle");
  const [p0, p1, p2] = model.proofs as [Proof, Proof, Proof];
  const base = await measureSettlementWith(s, model, p0);
  const { deployment: { registry, escrow, oracle }, reg, operator, asClient, asOperator, deadline, commit, open } = base;
  const g = base.g as GasFigures;

  const token = await deployContract(s.deployer, artifacts, "TestERC20");
  const tokenAddress = await token.getAddress();
  await mined((token.connect(s.client) as Contract).getFunction("mint")(await s.client.getAddress(), 10n ** 21n));
  await mined(token.getFunction("mint")(operator, 1n));
  await mined((token.connect(s.client) as Contract).getFunction("approve")(await escrow.getAddress(), MaxUint256));
  const openToken = async (p: Proof) =>
    mined(asClient.getFunction("openRequestWithToken")(reg.modelId, commit(p), operator, await deadline(3600), tokenAddress, 10n ** 18n));
  await openToken(p1); // warm-up: the escrow's token balance becomes non-zero
  g.openRequestErc20 = used(await openToken(p1));
  const tokenId = (await escrow.getFunction("nextRequestId")()) - 1n;
  g.settleErc20 = used(await mined(asOperator.getFunction("settle")(tokenId, ...settleArgs(p1.proof, p1.publicSignals))));

  const late = await open(p2, 60);
  await provider.send("evm_increaseTime", [61]);
  g.refundEth = used(await mined(asClient.getFunction("refund")(late.id)));

  // A feed's model must carry the observation time (its nonce): the same model compiled with one.
  const o = s.oracle.model;
  await registerModel(registry, o.model.manifest, await (await deployVerifier(s.deployer, o.verifierSol)).getAddress(), "ipfs://zkinfer/gas-snapshot-nonce");
  const oreg = registrationFromManifest(o.model.manifest);
  const now = (await provider.getBlock("latest"))!.timestamp;
  const [q0, q1] = [await o.prove(s.oracle.inputs[0]!, BigInt(now - 2)), await o.prove(s.oracle.inputs[1]!, BigInt(now - 1))];
  g.oracleCreateFeed = used(await mined(oracle.getFunction("createFeed")(oreg.modelId, oreg.outputOffset, await s.deployer.getAddress())));
  const feedId = (await oracle.getFunction("nextFeedId")()) - 1n;
  g.oracleSubmitFirst = used(await mined(oracle.getFunction("submit")(feedId, ...settleArgs(q0.proof, q0.publicSignals))));
  g.oracleSubmit = used(await mined(oracle.getFunction("submit")(feedId, ...settleArgs(q1.proof, q1.publicSignals))));
  return g;
}

export function readGasSnapshot(file = GAS_SNAPSHOT_PATH): GasSnapshot {
  return JSON.parse(readFileSync(file, "utf8")) as GasSnapshot;
}

export function writeGasSnapshot(snap: GasSnapshot, file = GAS_SNAPSHOT_PATH): void {
  writeFileSync(file, JSON.stringify(snap, null, 2) + "\n");
}

/**
 * Figures that moved past the tolerance: max(relative * snapshot, absolute) gas. Proofs are
 * randomised, so calldata (zero vs non-zero bytes) moves a few hundred gas between runs. Every
 * key of either side is compared, so a figure missing on one side is reported.
 */
export function compareGas<K extends string>(current: Record<K, number>, snapshot: Record<K, number>, relative = 0.01, absolute = 1_000): string[] {
  const out: string[] = [];
  const keys = [...new Set([...Object.keys(snapshot), ...Object.keys(current)])] as K[];
  for (const k of keys) {
    const was = snapshot[k];
    const now = current[k];
    if (was === undefined || now === undefined) { out.push(`${k}: missing (${was} -> ${now})`); continue; }
    if (Math.abs(now - was) > Math.max(relative * was, absolute)) out.push(`${k}: ${was} -> ${now} (${now > was ? "+" : ""}${now - was})`);
  }
  return out;
}
