/** `zkinfer deploy`: a model's verifier deployed and registered (and the zkinfer contracts, without --registry). */
import { openModelDir } from "../prover/model-dir.ts";
import { currentSetup, prepareModel } from "../prover/prepare-model.ts";
import { attachContract, compileZkinfer, deployZkinfer } from "../verifier-contracts/contracts.ts";
import { deployModel } from "../verifier-contracts/deploy-model.ts";
import { needFile, progress, UsageError, type Command } from "./args.ts";
import { address, connect, isEmbeddedLocalChain, needCode, privateKey, revertMessage, rpcUrl } from "./chain-args.ts";
import { summarize } from "../prover/setup.ts";
import { keyTrust } from "../prover/ceremony/index.ts";

export const deploy: Command = {
  name: "deploy",
  usage: `usage: zkinfer deploy <model> --rpc <url> --key <hex> [--registry <address>] [--metadata <uri>] [--ptau <file>] [--allow-untrusted]

  --rpc       JSON-RPC endpoint of the chain (http://, https://, ws://, wss://)
  --key       private key of the deployer; with --registry it must own the registry
  --registry  an existing ModelRegistry; without it, ModelRegistry, InferenceEscrow and
              ProvenOracle are deployed first (the deployer owns the registry)
  --metadata  the model's metadata URI in the registry (default: zkinfer:<model name>)
  --ptau      the published ceremony powers of tau the key was made from: the key's whole
              phase-2 transcript is verified against it and the model's r1cs (snarkjs zkey
              verify). Only a key verified this way, from a file whose blake2b-512 is a
              published one, with a secret contribution in its transcript, is trusted;
              setup.json is never believed
  --allow-untrusted
              deploy a key that is not trusted (development powers of tau, no secret phase-2
              contribution, or not verified with --ptau) to a chain other than the embedded
              local one (chain id 31337 on a loopback address); anyone may forge its proofs

Prints JSON: chainId, modelId, verifier, trusted, verified (the transcript was verified with
--ptau), setup (ptau kind as recorded, the zkey's own contributions, vkeyHash), registered (false when the registry already had the
model id: versions are new ids, never overwritten), and the contract addresses.`,
  options: { rpc: { type: "string" }, key: { type: "string" }, registry: { type: "string" }, metadata: { type: "string" }, ptau: { type: "string" }, "allow-untrusted": { type: "boolean" } },
  async run([model], v) {
    if (!model) throw new UsageError("missing <model> (a model folder name or path)");
    const url = rpcUrl(v.rpc);
    const key = privateKey(v.key);
    const registryArg = v.registry === undefined ? undefined : address("registry", v.registry);
    const m = openModelDir(model);
    const info = currentSetup(m);
    const zkey = info.zkeyPath;
    // The record must describe this very zkey; trust itself never comes from the record.
    const ptauPath = v.ptau === undefined ? undefined : needFile("--ptau", v.ptau as string);
    const t = await keyTrust({ zkeyPath: zkey, r1csPath: async () => (await prepareModel(m, { setup: false, log: progress })).build.r1cs, ptauPath, claimedPtau: info.ptau, log: progress });
    if (t.contributions.map((c) => c.hash).join() !== info.contributions.map((c) => c.hash).join()) throw new UsageError(`model ${m.manifest.name}: ${zkey} does not match its setup.json (other contributions); run zkinfer setup or finalize again`);
    const trusted = t.trusted;
    const { wallet, provider, chainId } = await connect(url, key);
    try {
      if (!trusted && !isEmbeddedLocalChain(url, chainId)) {
        const why = t.why;
        if (!v["allow-untrusted"]) {
          throw new UsageError(`refusing to deploy ${m.manifest.name} to chain ${chainId} at ${url}: its key is untrusted (${why}), so anyone could forge its proofs there. Run a ceremony (zkinfer ceremony, docs/trusted-setup.md) and deploy with --ptau <the published powers of tau file>, or pass --allow-untrusted`);
        }
        progress.info(`WARNING: deploying an untrusted key (${why}) to chain ${chainId}: its proofs can be forged`);
      }
      // The key deployed must be of the circuit the ONNX compiles to (the manifest's circuit.hash);
      // checked once trust is settled and before anything is sent.
      await prepareModel(m, { setup: false, log: progress });
      const artifacts = compileZkinfer();
      let addresses: { registry: string; escrow?: string; oracle?: string };
      if (registryArg) {
        await needCode(provider, "registry", registryArg, "ModelRegistry");
        addresses = { registry: registryArg };
      } else {
        progress.info("deploying ModelRegistry, InferenceEscrow, ProvenOracle ...");
        addresses = (await deployZkinfer(wallet, { artifacts })).addresses;
      }
      const registry = attachContract(artifacts, "ModelRegistry", addresses.registry, wallet);
      progress.info(`deploying the verifier of ${m.manifest.name} and registering it ...`);
      let r;
      try {
        r = await deployModel(wallet, registry, { manifest: m.manifest, zkeyPath: zkey, metadataURI: (v.metadata as string | undefined) ?? `zkinfer:${m.manifest.name}` });
      } catch (e) {
        const msg = revertMessage(registry, e, { NotOwner: "--key", ModelAlreadyRegistered: "<model>" });
        if (msg) throw new UsageError(msg);
        throw e;
      }
      const out = { model: m.manifest.name, chainId, modelId: r.modelId, verifier: r.verifier, trusted, verified: t.verified, setup: { ...summarize(info), contributions: t.contributions }, registered: r.registered, ...addresses, ...(r.txHash ? { txHash: r.txHash } : {}) };
      process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
      return 0;
    } finally {
      provider.destroy();
    }
  },
};
