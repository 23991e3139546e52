/**
 * The lending-pool example, end to end (README.md beside it explains each step):
 *   npx tsx examples/lending-pool/run.ts [--rpc <url> --keys <k1,k2,k3,k4>]
 * starts a local chain (or uses a development chain at --rpc with four funded keys), deploys
 * the zkinfer contracts and the risk model's verifier, gives two borrowers a feed of their proven
 * risk score, lets the pool set their credit limits from the scores, lends within one, and then
 * shows that once the score is older than the pool's max age it is refused.
 */
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { Wallet, type Contract, type JsonRpcProvider } from "ethers";
import { startLocalChain } from "../../verifier-contracts/local-chain.ts";
import { connectChain } from "../../verifier-contracts/connect.ts";
import { deployZkinfer, settleArgs } from "../../verifier-contracts/contracts.ts";
import { deployModel } from "../../verifier-contracts/deploy-model.ts";
import { currentSetup } from "../../prover/prepare-model.ts";
import { terminateSnarkjsCurves, type ModelDir, type ModelProof } from "../../api/index.ts";
import { breastCancerSplits } from "../../models/lib/breast-cancer.ts";
import { BASE_MODEL, proveScore, readyScoreModel, scoreIndex } from "./score-model.ts";
import { deployLendingPool, type PoolConfig } from "./pool.ts";
import { refusal } from "./refusal.ts";

export interface RunOptions {
  /** A development chain (one with evm_increaseTime); default: start a local one. */
  rpcUrl?: string;
  /** Four funded keys on it: pool owner, scorer, and two borrowers. */
  keys?: string[];
  log?: (m: string) => void;
}

export interface Borrower {
  wallet: Wallet;
  feedId: bigint;
  proof: ModelProof;
  /** The proven risk score, in the model's units (int8 at scale 2^7: 128 = certain). */
  score: bigint;
  observedAt: number;
  limit: bigint;
}

export interface RunResult {
  provider: JsonRpcProvider;
  owner: Wallet;
  scorer: Wallet;
  oracle: Contract;
  registry: Contract;
  pool: Contract;
  model: ModelDir;
  modelId: string;
  config: PoolConfig;
  alice: Borrower;
  bob: Borrower;
  /** What alice borrowed while her score was fresh. */
  borrowed: bigint;
  /** The errors once the scores are older than maxAge: refreshing alice's limit, and her borrowing. */
  staleRefusals: { updateLimit: string; borrow: string };
  stop(): Promise<void>;
}

export async function main(o: RunOptions = {}): Promise<RunResult> {
  const log = o.log ?? ((m: string) => process.stdout.write(`${m}\n`));
  const chain = o.rpcUrl ? undefined : await startLocalChain();
  const rpcUrl = o.rpcUrl ?? chain!.rpcUrl;
  const keys = o.keys ?? chain!.privateKeys;
  if (keys.length < 4) throw new Error(`need four funded keys (pool owner, scorer, two borrowers), got ${keys.length}`);
  const { provider } = await connectChain(rpcUrl);
  const [owner, scorer, aliceW, bobW] = keys.slice(0, 4).map((k) => new Wallet(k, provider));
  const stop = async () => { provider.destroy(); await chain?.stop(); };
  try {
    log(`1. chain ${rpcUrl}: deploying ModelRegistry, InferenceEscrow, ProvenOracle`);
    const { registry, oracle } = await deployZkinfer(owner);

    log(`2. the risk model: ${BASE_MODEL} with a nonce (the observation time)`);
    const model = await readyScoreModel(log);
    const dep = await deployModel(owner, registry, { manifest: model.manifest, zkeyPath: currentSetup(model).zkeyPath, metadataURI: `zkinfer:${model.manifest.name}` });
    log(`   verifier ${dep.verifier}, model id ${dep.modelId}`);
    const outputIndex = scoreIndex(model);

    const config: PoolConfig = { oracle: await oracle.getAddress(), modelId: dep.modelId, outputIndex, scorer: scorer.address, maxAge: 3600, maxRisk: 64n, maxCredit: 10n ** 18n, funds: 5n * 10n ** 18n };
    log(`3. LendingPool: scores from scorer ${scorer.address}, at most ${config.maxAge} s old; risk >= ${config.maxRisk}/128 gets no credit`);
    const pool = await deployLendingPool(owner, config);

    // Two patients of the zoo's test split stand in for borrowers' records: one benign, one malignant.
    const test = breastCancerSplits().test;
    const records = { alice: test.find((s) => s.label === 0)!.x, bob: test.find((s) => s.label === 1)!.x };
    const scoreBorrower = async (wallet: Wallet, features: Float32Array): Promise<Borrower> => {
      // The scorer owns the borrower's feed and is its only updater.
      const created = await (await (oracle.connect(scorer) as Contract).getFunction("createFeed")(dep.modelId, outputIndex, scorer.address)).wait();
      const feedId = oracle.interface.parseLog(created!.logs[0]!)!.args.feedId as bigint;
      const observedAt = (await provider.getBlock("latest"))!.timestamp;
      const proof = await proveScore(model, features, observedAt);
      await (await (oracle.connect(scorer) as Contract).getFunction("submit")(feedId, ...settleArgs(proof.proof, proof.publicSignals))).wait();
      await (await (pool.connect(owner) as Contract).getFunction("assignFeed")(wallet.address, feedId)).wait();
      await (await pool.getFunction("updateLimit")(wallet.address)).wait();
      const c = await pool.getFunction("credit")(wallet.address);
      const score = BigInt(proof.output[0]!);
      log(`   ${wallet.address}: feed ${feedId}, proven risk ${score}/128 at ${observedAt}, limit ${c.limit} wei`);
      return { wallet, feedId, proof, score, observedAt, limit: c.limit as bigint };
    };
    log("4. the scorer proves each borrower's risk, submits it to the oracle; the pool sets the limits");
    const alice = await scoreBorrower(aliceW, records.alice);
    const bob = await scoreBorrower(bobW, records.bob);

    const borrowed = alice.limit / 2n;
    await (await (pool.connect(aliceW) as Contract).getFunction("borrow")(borrowed)).wait();
    log(`5. alice borrows ${borrowed} wei within her limit`);

    await provider.send("evm_increaseTime", [config.maxAge + 1]);
    await provider.send("evm_mine", []);
    const staleRefusals = {
      updateLimit: await refusal([pool, oracle], pool.getFunction("updateLimit").staticCall(aliceW.address)),
      borrow: await refusal([pool, oracle], (pool.connect(aliceW) as Contract).getFunction("borrow").staticCall(1n)),
    };
    log(`6. ${config.maxAge + 1} s later the score is stale: updateLimit reverts with ${staleRefusals.updateLimit}, borrow with ${staleRefusals.borrow}`);
    return { provider, owner, scorer, oracle, registry, pool, model, modelId: dep.modelId, config, alice, bob, borrowed, staleRefusals, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({ options: { rpc: { type: "string" }, keys: { type: "string" } } });
  const r = await main({ rpcUrl: values.rpc, keys: values.keys?.split(",") });
  await r.stop();
  await terminateSnarkjsCurves();
}
