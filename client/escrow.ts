/**
 * Opening an InferenceEscrow request for a proof, checked before anything is sent: every value
 * that would make the gateway refuse the request (or the escrow pay someone else) is compared
 * with the gateway's GET /v1/chain and the chain itself first, and the error names the wrong
 * value. A refused request would otherwise lock the client's payment until its deadline.
 */
import { Contract, getAddress, type Signer } from "ethers";
import { inferenceEscrowAbi, modelRegistryAbi } from "../verifier-contracts/abi/index.ts";
import { commitInput } from "./commitment.ts";
import { ZkinferClientError } from "./errors.ts";
import { revertReason } from "./revert.ts";
import type { ChainInfo, ModelInfo, OpenedRequest } from "./types.ts";

export interface OpenRequestOptions {
  /** Pays for the request; its provider must be on the gateway's chain. */
  signer: Signer;
  /** Model id or name. */
  modelId: string;
  /** The int8 input the request is for (its commitment is computed here). */
  input: unknown;
  /** Wei to lock; default the operator's least price for the model. */
  price?: bigint | string | number;
  /** Unix seconds after which the request can be refunded; default an hour (or twice the operator's least margin) ahead. */
  deadline?: bigint | number;
  /** Hashed-salted models: the salt (default a fresh one, returned as inputSalt). */
  inputSalt?: string | bigint;
  /** The escrow you expect to pay (e.g. from your own config): refused unless it is the gateway's. */
  escrow?: string;
}

const fail = (code: ConstructorParameters<typeof ZkinferClientError>[0], field: string, message: string): never => {
  throw new ZkinferClientError(code, message, field);
};

function toBigInt(v: bigint | string | number, field: string): bigint {
  try {
    if (typeof v === "number" && !Number.isSafeInteger(v)) throw new Error();
    const b = BigInt(v);
    if (b < 0n) throw new Error();
    return b;
  } catch {
    return fail("INVALID_ARGUMENT", field, `${field}: expected a non-negative integer, got ${JSON.stringify(String(v))}`);
  }
}

const sameAddress = (a: string, b: string) => getAddress(a) === getAddress(b);

/** Everything checked, nothing sent: the arguments of openRequest. */
export async function prepareRequest(chain: ChainInfo, card: ModelInfo, o: OpenRequestOptions) {
  const provider = o.signer?.provider;
  if (!provider) return fail("INVALID_ARGUMENT", "signer", "signer: needs a provider connected to the gateway's chain");
  const net = await provider.getNetwork();
  if (net.chainId !== BigInt(chain.chainId)) {
    fail("WRONG_CHAIN", "chainId", `chainId: the signer's provider is on chain ${net.chainId}, but the gateway settles on chain ${chain.chainId}${chain.rpcUrl ? ` (${chain.rpcUrl})` : ""}`);
  }
  const escrowAddress = chain.contracts.escrow;
  const listed = chain.models.find((m) => m.id === card.id);
  const pay = listed?.payment ?? card.payment;
  if (o.escrow !== undefined && !(/^0x[0-9a-fA-F]{40}$/.test(o.escrow) && sameAddress(o.escrow, escrowAddress))) {
    fail("WRONG_ESCROW", "escrow", `escrow: ${o.escrow} is not the gateway's escrow ${escrowAddress}; a request there would never be settled by this operator`);
  }
  if (pay.escrow && !sameAddress(pay.escrow, escrowAddress)) fail("WRONG_ESCROW", "escrow", `escrow: model ${card.name}'s payment terms name escrow ${pay.escrow}, GET /v1/chain names ${escrowAddress}`);
  if ((await provider.getCode(escrowAddress)) === "0x") fail("WRONG_ESCROW", "escrow", `escrow: no contract at ${escrowAddress} on the signer's chain ${net.chainId}: another chain with the same id?`);
  const escrow = new Contract(escrowAddress, inferenceEscrowAbi, o.signer);
  let registryOfEscrow = "";
  try {
    registryOfEscrow = String(await escrow.getFunction("registry")());
  } catch {
    fail("WRONG_ESCROW", "escrow", `escrow: ${escrowAddress} does not answer registry(): not an InferenceEscrow`);
  }
  if (!sameAddress(registryOfEscrow, chain.contracts.registry)) fail("WRONG_ESCROW", "escrow", `escrow: ${escrowAddress} checks registry ${registryOfEscrow}, the gateway names ${chain.contracts.registry}`);

  const modelId = `0x${card.id}`;
  const registry = new Contract(chain.contracts.registry, modelRegistryAbi, provider);
  let record: { verifier: string; deprecated: boolean } | undefined;
  try {
    record = (await registry.getFunction("model")(modelId)) as { verifier: string; deprecated: boolean };
  } catch (e) {
    if (revertReason(registry.interface, e)?.name !== "ModelNotRegistered") throw new ZkinferClientError("CHAIN", `registry ${chain.contracts.registry}: model(${modelId}) failed: ${(e as Error).message}`, "modelId");
  }
  if (!record) return fail("MODEL_NOT_REGISTERED", "modelId", `modelId: model ${card.name} (${modelId}) is not registered in registry ${chain.contracts.registry}: the escrow refuses requests for it`);
  if (record.deprecated) fail("MODEL_NOT_REGISTERED", "modelId", `modelId: model ${card.name} (${modelId}) is deprecated in registry ${chain.contracts.registry}`);
  if (listed?.verifier && !sameAddress(listed.verifier, record.verifier)) {
    fail("MODEL_NOT_REGISTERED", "modelId", `modelId: registry ${chain.contracts.registry} names verifier ${record.verifier} for ${card.name}, the gateway ${listed.verifier}`);
  }

  if (!pay.paidRequests) fail("NOT_PAYABLE", "modelId", `modelId: the gateway takes no paid requests for ${card.name}: ${pay.reason ?? "no reason given"}`);
  if (pay.accepted.eth === null) fail("NOT_PAYABLE", "price", `price: the operator does not accept ETH for ${card.name} (tokens: ${pay.accepted.tokens.map((t) => t.address).join(", ") || "none"})`);
  const min = BigInt(pay.accepted.eth!.minPriceWei);
  const price = o.price === undefined ? min : toBigInt(o.price, "price");
  if (price < min) fail("PRICE_TOO_LOW", "price", `price: ${price} wei is below the operator's minimum of ${min} wei for ${card.name}`);
  if (price === 0n) fail("PRICE_TOO_LOW", "price", "price: 0 wei (the escrow refuses a zero price)");

  const latest = BigInt((await provider.getBlock("latest"))!.timestamp);
  const margin = BigInt(pay.minDeadlineSeconds);
  // The next block's time is at least the wall clock's when no block was mined for a while.
  const now = latest > BigInt(Math.floor(Date.now() / 1000)) ? latest : BigInt(Math.floor(Date.now() / 1000));
  const deadline = o.deadline === undefined ? now + (2n * margin > 3600n ? 2n * margin : 3600n) : toBigInt(o.deadline, "deadline");
  if (deadline <= latest) fail("DEADLINE", "deadline", `deadline: ${deadline} has passed (the chain's latest block is at ${latest})`);
  if (deadline < latest + margin) {
    fail("DEADLINE", "deadline", `deadline: ${deadline} is ${deadline - latest} s after the chain's latest block (${latest}); the operator needs at least ${margin} s to prove and settle`);
  }

  const operator = pay.operator ?? chain.operator;
  if (!sameAddress(operator, chain.operator)) fail("WRONG_ESCROW", "operator", `operator: model ${card.name}'s terms name ${operator}, GET /v1/chain names ${chain.operator}`);
  const commitment = await commitInput(card, o.input, o.inputSalt);
  return { escrow, modelId, operator, price, deadline, commitment };
}

/** Sends openRequest and reads the request id from its RequestOpened event. */
export async function openRequest(chain: ChainInfo, card: ModelInfo, o: OpenRequestOptions): Promise<OpenedRequest> {
  const p = await prepareRequest(chain, card, o);
  const tx = await p.escrow.getFunction("openRequest")(p.modelId, BigInt(p.commitment.inputCommitment), p.operator, p.deadline, { value: p.price });
  const receipt = await tx.wait();
  if (!receipt || receipt.status !== 1) throw new ZkinferClientError("CHAIN", `openRequest transaction ${tx.hash} failed`, "escrow");
  const escrowAddress = await p.escrow.getAddress();
  const opened = receipt.logs
    .filter((l: { address: string }) => sameAddress(l.address, escrowAddress))
    .map((l: { topics: string[]; data: string }) => p.escrow.interface.parseLog(l))
    .find((e: { name: string } | null) => e?.name === "RequestOpened");
  if (!opened) throw new ZkinferClientError("CHAIN", `openRequest transaction ${tx.hash} emitted no RequestOpened event`, "escrow");
  return {
    requestId: String(opened.args.requestId), modelId: p.modelId, escrow: escrowAddress, operator: p.operator,
    price: p.price, deadline: p.deadline, receipt, ...p.commitment,
  };
}
