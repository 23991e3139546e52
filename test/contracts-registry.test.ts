/**
 * ModelRegistry on a real local chain: two-step ownership, every layout refusal with the
 * offending values, the code hash and layout in the record and the event; and the Layout that
 * registrationFromManifest derives from a manifest's public signals.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Wallet, ZeroAddress, id as keccakText, keccak256, type Contract } from "ethers";
import { startLocalChain, type LocalChain } from "../verifier-contracts/local-chain.ts";
import { deployVerifier } from "../verifier-contracts/groth16-verifier.ts";
import { compileZkinfer, deployContract, NO_INPUT_COMMITMENT, NO_NONCE, NO_WEIGHTS_COMMITMENT, registrationFromManifest, type RegistryLayout } from "../verifier-contracts/contracts.ts";
import { proveModelInputs, type ModelProofs } from "../verifier-contracts/model-proofs.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { expectRevert, send } from "./helpers/escrow-fixture.ts";

let chain: LocalChain | undefined;
let A: ModelProofs;
let owner: Wallet, next: Wallet, stranger: Wallet;
let registry: Contract;
let verifier: string;

/** digits-mlp's layout: [inputCommitment, out[0..9]]. */
const BASE: RegistryLayout = { nPublic: 11, commitmentIndex: 0, weightsIndex: NO_WEIGHTS_COMMITMENT, outputOffset: 1, outputCount: 10, nonceIndex: NO_NONCE, visibility: 1 };
const L = (o: Partial<RegistryLayout>): RegistryLayout => ({ ...BASE, ...o });
const register = (name: string, layout: RegistryLayout, weights = 0n, as = owner) =>
  (registry.connect(as) as Contract).getFunction("register")(keccakText(name), verifier, layout, weights, `ipfs://${name}`);

beforeAll(async () => {
  const chainP = startLocalChain();
  const artifacts = compileZkinfer();
  A = await proveModelInputs("digits-mlp", []);
  chain = await chainP;
  [owner, next, stranger] = chain.privateKeys.slice(0, 3).map((k) => new Wallet(k, chain!.provider)) as [Wallet, Wallet, Wallet];
  registry = await deployContract(owner, artifacts, "ModelRegistry", owner.address);
  verifier = await (await deployVerifier(owner, A.verifierSol)).getAddress();
});

afterAll(async () => {
  await chain?.stop();
  await terminateSnarkjsCurves();
});

describe("ModelRegistry ownership", () => {
  it("moves in two steps: the named owner cannot act until it accepts, a stranger cannot accept, address(0) cancels", async () => {
    const owner_ = () => registry.getFunction("owner")();
    const pending = () => registry.getFunction("pendingOwner")();
    await expectRevert((registry.connect(stranger) as Contract).getFunction("transferOwnership")(stranger.address), registry, `NotOwner(${stranger.address})`);
    const started = await send(registry, "transferOwnership", next.address);
    expect(registry.interface.parseLog(started.logs[0])?.args.toArray()).toEqual([owner.address, next.address]);
    expect([await owner_(), await pending()]).toEqual([owner.address, next.address]);
    await expectRevert(register("by-pending", BASE, 0n, next), registry, `NotOwner(${next.address})`);
    await expectRevert((registry.connect(stranger) as Contract).getFunction("acceptOwnership")(), registry, `NotPendingOwner(${stranger.address})`);
    // Cancel: the named account can no longer accept.
    await send(registry, "transferOwnership", ZeroAddress);
    expect(await pending()).toBe(ZeroAddress);
    await expectRevert((registry.connect(next) as Contract).getFunction("acceptOwnership")(), registry, `NotPendingOwner(${next.address})`);
    // Name it again and accept.
    await send(registry, "transferOwnership", next.address);
    const accepted = await send(registry.connect(next) as Contract, "acceptOwnership");
    const ev = registry.interface.parseLog(accepted.logs[0]);
    expect([ev?.name, ...ev!.args.toArray()]).toEqual(["OwnershipTransferred", owner.address, next.address]);
    expect([await owner_(), await pending()]).toEqual([next.address, ZeroAddress]);
    await expectRevert(register("by-old-owner", BASE), registry, `NotOwner(${owner.address})`);
    // And back, so the rest of the file registers as `owner`.
    await send(registry.connect(next) as Contract, "transferOwnership", owner.address);
    await send(registry, "acceptOwnership");
    expect(await owner_()).toBe(owner.address);
  });
});

describe("ModelRegistry layout checks", () => {
  it("refuses each inconsistent layout with a named error carrying the offending values", async () => {
    const cases: Array<[Partial<RegistryLayout>, string]> = [
      [{ nPublic: 0 }, "InvalidPublicSignalCount(0)"],
      [{ nPublic: 1025 }, "InvalidPublicSignalCount(1025)"],
      [{ visibility: 9 }, "InvalidVisibility(9)"],
      [{ commitmentIndex: 11 }, "InvalidCommitmentIndex(11, 11, 1)"],
      [{ visibility: 0 }, "InvalidCommitmentIndex(0, 11, 0)"],
      [{ weightsIndex: 3 }, `InvalidWeightsIndex(3, 11, 1)`],
      [{ visibility: 5, weightsIndex: 0 }, "InvalidWeightsIndex(0, 11, 5)"], // on the input commitment
      [{ nonceIndex: 11 }, "InvalidNonceIndex(11, 11)"],
      [{ nonceIndex: 0 }, "InvalidNonceIndex(0, 11)"], // on the input commitment
      [{ outputOffset: 0 }, "InvalidOutputRange(0, 10, 11, 1)"], // overlaps the input commitment
      [{ outputOffset: 2 }, "InvalidOutputRange(2, 10, 11, 1)"], // past nPublic
      [{ outputCount: 0 }, "InvalidOutputRange(1, 0, 11, 1)"], // public output, empty range
      [{ nPublic: 12, nonceIndex: 5 }, "InvalidOutputRange(1, 10, 12, 1)"], // overlaps the nonce
      [{ nPublic: 12, visibility: 5, weightsIndex: 1, outputOffset: 1 }, "InvalidOutputRange(1, 10, 12, 5)"], // overlaps the weights
      [{ nPublic: 2, visibility: 3, outputCount: 1 }, "InvalidOutputRange(1, 1, 2, 3)"], // hashed output with plain values
      [{ nPublic: 2, visibility: 3, outputOffset: 0, outputCount: 0 }, "InvalidOutputRange(0, 0, 2, 3)"], // output commitment on the input's
      [{ nPublic: 2, visibility: 3, outputOffset: 2, outputCount: 0 }, "InvalidOutputRange(2, 0, 2, 3)"],
    ];
    for (const [o, expected] of cases) {
      const weights = (L(o).visibility & 4) !== 0 ? 7n : 0n;
      await expectRevert(register("bad", L(o), weights), registry, expected);
    }
    await expectRevert(registry.getFunction("model")(keccakText("bad")), registry, `ModelNotRegistered(${keccakText("bad")})`);
  });

  it("stores the layout and the verifier's code hash, and the event carries both", async () => {
    const layout = L({ nPublic: 13, nonceIndex: 11 }); // [inputCommitment, out[0..9], nonce, x[0]]
    const receipt = await send(registry, "register", keccakText("with-nonce"), verifier, layout, 0n, "ipfs://with-nonce");
    const codeHash = keccak256(await chain!.provider.getCode(verifier));
    const m = await registry.getFunction("model")(keccakText("with-nonce"));
    expect([m.verifier, Number(m.nPublic), Number(m.commitmentIndex), Number(m.weightsIndex), Number(m.outputOffset), Number(m.outputCount), Number(m.nonceIndex), Number(m.visibility), m.verifierCodeHash])
      .toEqual([verifier, 13, 0, NO_WEIGHTS_COMMITMENT, 1, 10, 11, 1, codeHash]);
    const ev = registry.interface.parseLog(receipt.logs[0])!;
    expect(ev.name).toBe("ModelRegistered");
    expect([ev.args.modelId, ev.args.verifier, ev.args.verifierCodeHash, ev.args.weightsCommitment, ev.args.metadataURI])
      .toEqual([keccakText("with-nonce"), verifier, codeHash, 0n, "ipfs://with-nonce"]);
    expect(ev.args.layout.toObject()).toEqual({ nPublic: 13n, commitmentIndex: 0n, weightsIndex: BigInt(NO_WEIGHTS_COMMITMENT), outputOffset: 1n, outputCount: 10n, nonceIndex: 11n, visibility: 1n });
  });
});

describe("registrationFromManifest", () => {
  const manifest = (publicSignals: string[], output = "public") => ({ ...A.model.manifest, publicSignals, visibility: { ...A.model.manifest.visibility, output } });
  const outs = Array.from({ length: 10 }, (_, k) => `out[${k}]`);

  it("derives the output range, the nonce and the absent kinds from the public signals", () => {
    expect(registrationFromManifest(A.model.manifest)).toMatchObject({ nPublic: 11, commitmentIndex: 0, weightsIndex: NO_WEIGHTS_COMMITMENT, outputOffset: 1, outputCount: 10, nonceIndex: NO_NONCE, visibility: 1 });
    expect(registrationFromManifest(manifest(["inputCommitment", ...outs, "nonce"]))).toMatchObject({ nPublic: 12, outputOffset: 1, outputCount: 10, nonceIndex: 11 });
    expect(registrationFromManifest(manifest(["inputCommitment", "outputCommitment", "nonce"], "hashed"))).toMatchObject({ nPublic: 3, outputOffset: 1, outputCount: 0, nonceIndex: 2, visibility: 3 });
    expect(registrationFromManifest({ ...manifest([...outs, "nonce", "x[0]", "x[1]"]), visibility: { ...A.model.manifest.visibility, input: "public" } }))
      .toMatchObject({ commitmentIndex: NO_INPUT_COMMITMENT, outputOffset: 0, outputCount: 10, nonceIndex: 10, visibility: 0 });
  });

  it("refuses outputs out of order or of the wrong kind, naming the model and the field", () => {
    const name = A.model.manifest.name;
    expect(() => registrationFromManifest(manifest(["inputCommitment", "out[1]", "out[0]"]))).toThrow(`model ${name}: manifest publicSignals: expected "out[0]" at position 1, got "out[1]"`);
    expect(() => registrationFromManifest(manifest(["inputCommitment", "out[0]", "nonce", "out[1]"]))).toThrow(`model ${name}: manifest publicSignals: expected "out[1]" at position 2, got "nonce"`);
    expect(() => registrationFromManifest(manifest(["inputCommitment", "outputCommitment"]))).toThrow(`model ${name}: manifest publicSignals must hold "out[k]" signals and no "outputCommitment" for a public output`);
    expect(() => registrationFromManifest(manifest(["inputCommitment", ...outs], "hashed"))).toThrow(`model ${name}: manifest publicSignals must hold "outputCommitment" and no "out[k]" for a hashed output`);
  });
});
