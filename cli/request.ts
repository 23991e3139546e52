/** `zkinfer request open|status|refund`: pay-per-proof requests on the InferenceEscrow. */
import type { Contract } from "ethers";
import { UsageError, type Command } from "./args.ts";
import { privateKey, revertMessage } from "./chain-args.ts";
import { CHAIN_OPTIONS, CHAIN_USAGE, chainTarget, chainTime, connectTarget } from "./chain-target.ts";
import { parseId } from "./chain-values.ts";

type Values = Record<string, string | boolean | undefined>;

const USAGE = `usage:
  zkinfer request open --model <name|folder> --input <json|file> [--float] [--input-salt <decimal>]
                       --price <wei|0.001eth> --deadline <unix s|+<n>[s|m|h|d]> [--operator <address>] --key <hex> <chain>
      opens a request paid in ETH; the input commitment is computed here (no inference needed);
      prints the request id and, for a salted input, the salt (hand it to the prover only)
  zkinfer request status --request <id> <chain>
      the request's state (open, settled, refunded), its terms, and whether it can be refunded
  zkinfer request refund --request <id> --key <hex> <chain>
      returns the price of your unsettled request once its deadline has passed

  <chain> is --rpc <url> --escrow <address>, or --gateway <url> (the operator is then the gateway's):
${CHAIN_USAGE}
  --escrow   the InferenceEscrow

Every value is checked (on the chain, and against the gateway's terms with --gateway) before a
transaction is sent; a refusal names the flag and sends nothing. Prints JSON.`;

const STATUS = ["none", "open", "settled", "refunded"] as const;
const out = (o: unknown) => process.stdout.write(`${JSON.stringify(o, null, 1)}\n`);

async function readRequest(v: Values, key?: string) {
  const id = parseId("request", v.request, "an escrow request id");
  const t = await chainTarget(v, "escrow");
  const c = await connectTarget(t, "escrow", key);
  const r = await c.contract.getFunction("request")(id);
  const status = STATUS[Number(r.status)] ?? "unknown";
  if (status === "none") {
    c.provider.destroy();
    throw new UsageError(`--request: escrow ${t.address} on chain ${c.chainId} has no request ${id}`);
  }
  return { id, t, c, r, status, now: await chainTime(c.provider) };
}

const STEPS: Record<string, (v: Values) => Promise<void>> = {
  async open(v) {
    // Loaded only here: the commitment's Poseidon and the model reader cost status and refund a second.
    out(await (await import("./request-open.ts")).openRequest(v));
  },
  async status(v) {
    const { id, t, c, r, status, now } = await readRequest(v);
    try {
      const deadline = Number(r.deadline);
      // After settlement or refund the escrow keeps only client, deadline and status; the event has the rest.
      const closed = status === "open" ? undefined : await closingEvent(c.contract, id, status);
      out({
        requestId: id.toString(), escrow: t.address, chainId: c.chainId, status, client: r.client, deadline, chainTime: now,
        ...(status === "open"
          ? { modelId: r.modelId, operator: r.operator, token: r.token, price: BigInt(r.price).toString(), inputCommitment: BigInt(r.inputCommitment).toString(), secondsLeft: Math.max(0, deadline - now), refundable: now > deadline }
          : closed ?? {}),
      });
    } finally {
      c.provider.destroy();
    }
  },
  async refund(v) {
    const key = privateKey(v.key);
    const { id, t, c, r, status, now } = await readRequest(v, key);
    try {
      if (status !== "open") throw new UsageError(`--request: request ${id} is ${status}; only an open request is refunded`);
      const me = c.wallet!.address;
      // The escrow lets anyone trigger a refund (it pays the client); refunding someone else's request from here is a mistake.
      if (r.client !== me) throw new UsageError(`--key: request ${id} is not yours to refund: its client is ${r.client}, this key signs as ${me}`);
      if (now < Number(r.deadline)) throw new UsageError(`--request: request ${id}'s deadline ${r.deadline} has not passed (chain time ${now}, ${Number(r.deadline) - now} s left): until then the operator may still settle it`);
      const fail = (e: unknown): never => {
        const msg = revertMessage(c.contract, e, { RequestNotFound: "--request", RequestAlreadySettled: "--request", RequestAlreadyRefunded: "--request", DeadlineNotReached: "--request" });
        throw msg ? new UsageError(msg) : e;
      };
      const fn = c.contract.getFunction("refund");
      await fn.staticCall(id).catch(fail);
      const rc = await (await fn(id).catch(fail)).wait();
      out({ requestId: id.toString(), escrow: t.address, txHash: rc.hash, blockNumber: rc.blockNumber, client: r.client, token: r.token, refunded: BigInt(r.price).toString() });
    } finally {
      c.provider.destroy();
    }
  },
};

/** The RequestSettled or RequestRefunded event of a closed request (undefined if the node cannot search its logs). */
async function closingEvent(escrow: Contract, id: bigint, status: string): Promise<Record<string, unknown> | undefined> {
  try {
    const name = status === "settled" ? "RequestSettled" : "RequestRefunded";
    const [e] = await escrow.queryFilter(escrow.filters[name]!(id), 0);
    if (!e || !("args" in e)) return undefined;
    const a = e.args;
    return status === "settled"
      ? { operator: a.operator, token: a.token, paid: BigInt(a.amount).toString(), txHash: e.transactionHash, publicSignals: (a.publicSignals as bigint[]).map(String) }
      : { token: a.token, refunded: BigInt(a.amount).toString(), txHash: e.transactionHash };
  } catch {
    return undefined;
  }
}

export const request: Command = {
  name: "request",
  usage: USAGE,
  options: {
    ...CHAIN_OPTIONS, escrow: { type: "string" }, key: { type: "string" }, request: { type: "string" },
    model: { type: "string" }, input: { type: "string" }, float: { type: "boolean" }, "input-salt": { type: "string" },
    price: { type: "string" }, deadline: { type: "string" }, operator: { type: "string" },
  },
  async run([step, ...rest], v) {
    const run = step ? STEPS[step] : undefined;
    if (!run) throw new UsageError(`${step ? `unknown step "${step}"` : "missing step"}: one of ${Object.keys(STEPS).join(", ")}\n\n${USAGE}`);
    if (rest.length) throw new UsageError(`request ${step}: unexpected argument ${JSON.stringify(rest[0])}\n\n${USAGE}`);
    await run(v);
    return 0;
  },
};
