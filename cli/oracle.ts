/** `zkinfer oracle submit|read`: ProvenOracle feeds from the command line. */
import { settleArgs } from "../verifier-contracts/contracts.ts";
import type { Groth16Proof } from "../prover/snarkjs.ts";
import { UsageError, type Command } from "./args.ts";
import { privateKey, readJsonFile, revertMessage } from "./chain-args.ts";
import { CHAIN_OPTIONS, CHAIN_USAGE, chainTarget, chainTime, connectTarget, registryRecord, type Connected } from "./chain-target.ts";
import { parseId, parseSeconds } from "./chain-values.ts";

type Values = Record<string, string | boolean | undefined>;

const USAGE = `usage:
  zkinfer oracle submit --feed <id> --proof <proof.json> --key <hex> <chain>
      submits a proof file written by zkinfer prove (of a model compiled with --nonce, proved
      with --nonce <unix time of the observation>) as the feed's new value; --key is the feed's updater
  zkinfer oracle read --feed <id> [--max-age <s>] <chain>
      the feed's latest value, its observation time and age (on the chain's clock); with
      --max-age, a value older than that is an error (exit 2), as latest(feedId, maxAge) on chain

  <chain> is --rpc <url> --oracle <address>, or --gateway <url>:
${CHAIN_USAGE}
  --oracle   the ProvenOracle

A submission is checked (feed, model of the proof, updater, and the oracle's own checks in a
simulated call) before it is sent; a refusal names the flag and sends nothing. Prints JSON.`;

const BLAME: Record<string, string> = {
  FeedNotFound: "--feed", ModelDeprecated: "--feed", NotUpdater: "--key", PublicSignalCountMismatch: "--proof", InvalidProof: "--proof",
  VerifierCodeChanged: "--feed", WeightsCommitmentMismatch: "--proof", ObservationInFuture: "--proof", ObservationNotNewer: "--proof",
};
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o, null, 1)}\n`);
const ZERO = `0x${"0".repeat(64)}`;

async function readFeed(v: Values, key?: string) {
  const id = parseId("feed", v.feed, "a feed id");
  const t = await chainTarget(v, "oracle");
  const c = await connectTarget(t, "oracle", key);
  const f = await c.contract.getFunction("feed")(id);
  if (f.modelId === ZERO) {
    c.provider.destroy();
    throw new UsageError(`--feed: oracle ${t.address} on chain ${c.chainId} has no feed ${id}`);
  }
  return { id, t, c, f };
}

const STEPS: Record<string, (v: Values) => Promise<void>> = {
  async submit(v) {
    const key = privateKey(v.key);
    const file = readJsonFile("proof", v.proof);
    if (typeof file.proof !== "object" || file.proof === null || !Array.isArray(file.publicSignals)) throw new UsageError(`--proof: ${v.proof} lacks "proof" or "publicSignals" (write it with zkinfer prove)`);
    let args: ReturnType<typeof settleArgs>;
    try { args = settleArgs(file.proof as Groth16Proof, file.publicSignals as string[]); } catch (e) { throw new UsageError(`--proof: ${v.proof}: ${(e as Error).message}`); }
    const { id, t, c, f } = await readFeed(v, key);
    try {
      await checkSubmission(c, id, f, file, args[1], v.proof as string);
      const fail = (e: unknown): never => {
        const msg = revertMessage(c.contract, e, BLAME);
        throw msg ? new UsageError(msg) : e;
      };
      const fn = c.contract.getFunction("submit");
      await fn.staticCall(id, ...args).catch(fail);
      const rc = await (await fn(id, ...args).catch(fail)).wait();
      const ev = rc.logs.map((l: { topics: string[]; data: string }) => c.contract.interface.parseLog(l)).find((e: { name?: string } | null) => e?.name === "ValueSubmitted");
      out({ feedId: id.toString(), oracle: t.address, txHash: rc.hash, blockNumber: rc.blockNumber, value: String(ev!.args.value), updatedAt: Number(ev!.args.updatedAt), inputCommitment: String(ev!.args.inputCommitment) });
    } finally {
      c.provider.destroy();
    }
  },
  async read(v) {
    const maxAge = parseSeconds("max-age", v["max-age"]);
    const { id, t, c, f } = await readFeed(v);
    try {
      const now = await chainTime(c.provider);
      const at = Number(f.updatedAt);
      const age = at === 0 ? null : now - at;
      if (maxAge !== undefined && age === null) throw new UsageError(`--feed: feed ${id} has no value yet`);
      if (maxAge !== undefined && BigInt(age!) > maxAge) throw new UsageError(`--max-age: feed ${id}'s value was observed at ${at}, ${age} s ago (chain time ${now}), older than ${maxAge} s`);
      const model = t.gateway?.models.find((m) => m.id.toLowerCase().replace(/^0x/, "") === String(f.modelId).slice(2))?.name;
      out({
        feedId: id.toString(), oracle: t.address, chainId: c.chainId, modelId: f.modelId, ...(model ? { model } : {}), outputIndex: Number(f.outputIndex),
        value: at === 0 ? null : String(f.value), updatedAt: at === 0 ? null : at, age, chainTime: now,
        inputCommitment: at === 0 ? null : String(f.inputCommitment), updater: f.updater, owner: f.owner,
      });
    } finally {
      c.provider.destroy();
    }
  },
};

/** Refusals with a clearer message than the oracle's revert: a proof of another model, a key that is not the updater. */
async function checkSubmission(c: Connected, id: bigint, f: { modelId: string; updater: string }, file: Record<string, unknown>, signals: bigint[], path: string): Promise<void> {
  if (typeof file.modelId === "string" && `0x${file.modelId.toLowerCase().replace(/^0x/, "")}` !== String(f.modelId).toLowerCase()) {
    throw new UsageError(`--proof: ${path} is a proof of model ${String(file.model ?? "?")} (id 0x${file.modelId.replace(/^0x/, "")}), but feed ${id} publishes model ${f.modelId}`);
  }
  const me = c.wallet!.address;
  if (f.updater !== me) throw new UsageError(`--key: feed ${id}'s updater is ${f.updater}; this key signs as ${me}`);
  const { record } = await registryRecord(c, f.modelId);
  if (record && signals.length !== Number(record.nPublic)) throw new UsageError(`--proof: ${path} has ${signals.length} public signals, feed ${id}'s model has ${record.nPublic}`);
}

export const oracle: Command = {
  name: "oracle",
  usage: USAGE,
  options: { ...CHAIN_OPTIONS, oracle: { type: "string" }, key: { type: "string" }, feed: { type: "string" }, proof: { type: "string" }, "max-age": { type: "string" } },
  async run([step, ...rest], v) {
    const run = step ? STEPS[step] : undefined;
    if (!run) throw new UsageError(`${step ? `unknown step "${step}"` : "missing step"}: one of ${Object.keys(STEPS).join(", ")}\n\n${USAGE}`);
    if (rest.length) throw new UsageError(`oracle ${step}: unexpected argument ${JSON.stringify(rest[0])}\n\n${USAGE}`);
    await run(v);
    return 0;
  },
};
