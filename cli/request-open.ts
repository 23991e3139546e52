/**
 * `zkinfer request open`: opens an InferenceEscrow request paid in ETH for one proof of a model
 * on an input, with the input commitment computed here (prover/commitment.ts, as the circuit
 * computes it): no inference, no job, no throw-away proof. Every value is checked against the
 * chain (and the gateway's terms, with --gateway) before anything is sent.
 */
import { getAddress } from "ethers";
import { openModelDir, type ModelDir } from "../prover/model-dir.ts";
import { inputCommitment, freshSalt, parseSalt } from "../prover/commitment.ts";
import { ProverError } from "../prover/errors.ts";
import { registrationFromManifest } from "../verifier-contracts/contracts.ts";
import { UsageError } from "./args.ts";
import { address, privateKey, revertMessage } from "./chain-args.ts";
import { chainTarget, chainTime, connectTarget, registryRecord, type ChainTarget } from "./chain-target.ts";
import { parseDeadline, parsePrice } from "./chain-values.ts";
import { readInput } from "./input.ts";

type Values = Record<string, string | boolean | undefined>;

const BLAME: Record<string, string> = {
  ModelNotRegistered: "--model", ModelDeprecated: "--model", ModelHasNoInputCommitment: "--model", ModelOutputHashed: "--model", VerifierCodeChanged: "--model",
  DeadlineNotInFuture: "--deadline", ZeroOperator: "--operator", ZeroPrice: "--price", InputCommitmentNotInField: "--input",
};

function model(v: Values): ModelDir {
  if (typeof v.model !== "string" || !v.model) throw new UsageError("missing --model <name or folder> (the model to pay a proof of)");
  let m: ModelDir;
  try { m = openModelDir(v.model); } catch (e) { throw new UsageError(`--model: ${(e as Error).message}`); }
  const vis = m.manifest.visibility;
  if (vis.input === "public") throw new UsageError(`--model: ${m.manifest.name} has a public input, so there is no input commitment to bind a request to (the escrow refuses it)`);
  if (vis.output === "hashed") throw new UsageError(`--model: ${m.manifest.name} has a hashed output: the escrow refuses it (you could open what you paid for only with a salt the operator may withhold)`);
  return m;
}

/** With --gateway: the model is served there, paid requests are taken, and the price, payee and deadline meet its terms. */
function checkGatewayTerms(t: ChainTarget, m: ModelDir, operator: string, price: bigint, deadline: bigint, now: number): void {
  const g = t.gateway;
  if (!g) return;
  const hex = (s: string) => s.toLowerCase().replace(/^0x/, "");
  const gm = g.models.find((x) => hex(x.id) === hex(m.manifest.modelId));
  if (!gm) throw new UsageError(`--model: the gateway at ${g.url} does not serve ${m.manifest.name} (id ${m.manifest.modelId}); it serves ${g.models.map((x) => x.name).join(", ") || "no model"}`);
  const p = gm.payment;
  if (p.paidRequests === false) throw new UsageError(`--model: the gateway takes no paid requests for ${m.manifest.name}: ${p.reason ?? "no reason given"}`);
  if (operator !== g.operator) throw new UsageError(`--operator: ${operator} is not the gateway's operator ${g.operator}: it would not serve a request paying someone else`);
  const min = p.accepted?.eth?.minPriceWei;
  if (p.accepted && p.accepted.eth === null) throw new UsageError(`--price: the gateway takes no ETH for ${m.manifest.name} (only tokens)`);
  if (min !== undefined && price < BigInt(min)) throw new UsageError(`--price: ${price} wei is below the gateway's least price for ${m.manifest.name}, ${min} wei`);
  if (p.minDeadlineSeconds !== undefined && deadline - BigInt(now) < BigInt(p.minDeadlineSeconds)) throw new UsageError(`--deadline: ${deadline} leaves ${deadline - BigInt(now)} s; the gateway needs at least ${p.minDeadlineSeconds} s to prove and settle`);
}

export async function openRequest(v: Values): Promise<Record<string, unknown>> {
  const m = model(v);
  const key = privateKey(v.key);
  const price = parsePrice(v.price);
  const x = readInput(v.input as string | undefined, m.manifest, v.float === true);
  const salted = m.manifest.visibility.input === "hashed-salted";
  if (v["input-salt"] !== undefined && !salted) throw new UsageError(`--input-salt: model ${m.manifest.name}'s input is ${m.manifest.visibility.input}, its commitment takes no salt`);
  let inputSalt: bigint | undefined;
  try { inputSalt = salted ? (v["input-salt"] === undefined ? freshSalt() : parseSalt(v["input-salt"], "--input-salt")) : undefined; } catch (e) { throw new UsageError((e as ProverError).message); }
  const commitment = await inputCommitment(x, inputSalt);
  const { modelId } = registrationFromManifest(m.manifest);
  const t = await chainTarget(v, "escrow");
  const operatorArg = v.operator !== undefined ? getAddress(address("operator", v.operator)) : t.gateway?.operator;
  if (!operatorArg) throw new UsageError("missing --operator <address> (who is paid when the proof settles), or --gateway <url> (its operator)");
  const c = await connectTarget(t, "escrow", key);
  try {
    const now = await chainTime(c.provider);
    const deadline = parseDeadline(v.deadline, now);
    checkGatewayTerms(t, m, operatorArg, price, deadline, now);
    const { registry, record } = await registryRecord(c, modelId);
    if (!record) throw new UsageError(`--model: ${m.manifest.name} (id ${modelId}) is not registered in the escrow's registry ${registry} on chain ${c.chainId} (run: zkinfer deploy ${m.manifest.name} --registry ${registry})`);
    if (record.deprecated) throw new UsageError(`--model: ${m.manifest.name} (id ${modelId}) is deprecated in the registry ${registry}`);
    const client = c.wallet!.address;
    const balance = await c.provider.getBalance(client);
    if (balance < price) throw new UsageError(`--key: ${client} holds ${balance} wei, less than --price ${price} wei`);
    const fail = (e: unknown): never => {
      const msg = revertMessage(c.contract, e, BLAME);
      throw msg ? new UsageError(msg) : e;
    };
    const open = c.contract.getFunction("openRequest");
    await open.staticCall(modelId, commitment, operatorArg, deadline, { value: price }).catch(fail);
    const rc = await (await open(modelId, commitment, operatorArg, deadline, { value: price }).catch(fail)).wait();
    const ev = rc.logs.map((l: { topics: string[]; data: string }) => c.contract.interface.parseLog(l)).find((e: { name?: string } | null) => e?.name === "RequestOpened");
    return {
      requestId: String(ev!.args.requestId), txHash: rc.hash, blockNumber: rc.blockNumber, chainId: c.chainId, escrow: t.address,
      model: m.manifest.name, modelId, client, operator: operatorArg, price: price.toString(), deadline: deadline.toString(),
      inputCommitment: commitment.toString(),
      // The salt opens the commitment: the prover needs it with the input; keep it from anyone else.
      ...(inputSalt !== undefined ? { inputSalt: inputSalt.toString() } : {}),
    };
  } finally {
    c.provider.destroy();
  }
}
