/**
 * ProvenOracle with hashed weights, on a real local chain: digits-mlp compiled with hashed
 * weights and a nonce (build/model-variants/, its own development setup; a few minutes the first
 * time, cached after). The zero-weights forgery (all weights 0, a chosen last bias: outputs the
 * model never gives) verifies against the model's verifier; submit refuses it because its
 * weightsCommitment is not the registered one, and publishes the honest proof at its time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, Wallet } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { deployVerifier } from "../verifier-contracts/groth16-verifier.ts";
import { deployZkinfer, registerModel, registrationFromManifest, revertErrorName, settleArgs } from "../verifier-contracts/contracts.ts";
import { nonceVariant, type NonceVariant } from "../verifier-contracts/nonce-variant.ts";
import { decodePublicSignals, type ProofResult } from "../prover/prove.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadDigits, splitDigits } from "../models/lib/digits.ts";
import { FORGED_OUTPUT } from "./helpers/zero-weights.ts";

let chain: LocalChain | undefined;
let V: NonceVariant;
let oracle: Contract, verifier: Contract;
let updater: Wallet;
let x: number[];

const args = (p: ProofResult) => settleArgs(p.proof, p.publicSignals);

async function expectRevert(sent: Promise<unknown>, c: Contract, name: string): Promise<void> {
  let err: unknown;
  try { await sent; } catch (e) { err = e; }
  if (err === undefined) throw new Error(`expected a revert with ${name}, but the call succeeded`);
  expect(revertErrorName(c, err), String(err).slice(0, 300)).toBe(name);
}

beforeAll(async () => {
  const chainP = startLocalChain();
  V = await nonceVariant("digits-mlp", { weights: "hashed" });
  x = Array.from(splitDigits(loadDigits()).test[0]!.pixels);
  chain = await chainP;
  const [deployer, u] = chain.privateKeys.slice(0, 2).map((k) => new Wallet(k, chain!.provider));
  updater = u!;
  let registry: Contract;
  ({ registry, oracle } = await deployZkinfer(deployer!));
  verifier = await deployVerifier(deployer!, V.verifierSol);
  await registerModel(registry, V.model.manifest, await verifier.getAddress(), "ipfs://digits-mlp-nonce-weights-hashed");
}, 900_000);

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
});

describe("ProvenOracle with hashed weights", () => {
  it("refuses the zero-weights forgery the verifier accepts, and publishes the honest value at its time", async () => {
    const layout = V.model.manifest.publicSignals;
    expect([layout[1], layout.at(-1)]).toEqual(["weightsCommitment", "nonce"]);
    const reg = registrationFromManifest(V.model.manifest);
    const out7 = reg.outputOffset + 7;
    await (await oracle.getFunction("createFeed")(reg.modelId, out7, updater.address)).wait();
    const feedId = (await oracle.getFunction("nextFeedId")()) - 1n;
    const t = (await chain!.provider.getBlock("latest"))!.timestamp - 5;
    const honestInputs = V.inputs(x, BigInt(t)) as Record<string, unknown>;
    const forgedInputs: Record<string, unknown> = { ...honestInputs };
    const weights = V.model.manifest.weightInputs!;
    for (const w of weights) forgedInputs[w.signal] = (honestInputs[w.signal] as bigint[]).map(() => 0n);
    forgedInputs[weights.at(-1)!.signal] = FORGED_OUTPUT.map(BigInt);
    const forged = await V.prove(x, BigInt(t), forgedInputs);
    const honest = await V.prove(x, BigInt(t));
    expect(decodePublicSignals(forged.publicSignals, layout).output.map(Number)).toEqual(FORGED_OUTPUT);
    const [p, pub] = args(forged);
    expect(await verifier.getFunction("verifyProof")([p[0], p[1]], [[p[2], p[3]], [p[4], p[5]]], [p[6], p[7]], pub)).toBe(true);
    const asUpdater = oracle.connect(updater) as Contract;
    await expectRevert(asUpdater.getFunction("submit")(feedId, ...args(forged)), oracle, "WeightsCommitmentMismatch");
    await (await asUpdater.getFunction("submit")(feedId, ...args(honest))).wait();
    const [value, updatedAt] = await oracle.getFunction("latest")(feedId, 60);
    expect([value, Number(updatedAt)]).toEqual([decodePublicSignals(honest.publicSignals, layout).output[7], t]);
  });
});
