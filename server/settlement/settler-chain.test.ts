import { JsonRpcProvider, Network, Wallet } from "ethers";
import { afterEach, expect, it } from "vitest";
import { JobStore } from "../jobs/index.ts";
import { silentServiceLogger } from "../service/index.ts";
import { EscrowClient } from "./escrow.ts";
import { Settler } from "./settler.ts";

const SAME = "31337/0x5fbdb2315678afecb367f032d93f642f64180aa3/";
const OTHER = `1/0x5fbdb2315678afecb367f032d93f642f64180aa3/0x${"c".repeat(64)}`;
const proved = { proof: { pi_a: ["1"] }, publicSignals: ["42"], calldata: [], provingMs: 1 };
const closers: (() => void)[] = [];
afterEach(() => closers.splice(0).forEach((c) => c()));

it("the settler leaves a row of another chain alone: no call to this chain, no error recorded", async () => {
  const store = new JobStore(":memory:");
  store.bindChain(OTHER, "1/0x5fbdb2315678afecb367f032d93f642f64180aa3/");
  store.insert({ requestId: "elsewhere", modelId: "m", input: [1], output: [2], inputCommitment: "42", escrowRequestId: "1" });
  store.startProving("elsewhere");
  store.markProved("elsewhere", proved);
  store.bindChain(`${SAME}0x${"a".repeat(64)}`, SAME);
  // No ABI, nothing listening on port 9: any use of this client fails, and the failure would be recorded.
  const provider = new JsonRpcProvider("http://127.0.0.1:9", Network.from(31337), { staticNetwork: true });
  const client = new EscrowClient("0x5FbDB2315678afecb367f032d93F642f64180aa3", [], new Wallet(`0x${"11".repeat(32)}`, provider), provider);
  const notified: string[] = [];
  const settler = new Settler({ store, client, log: silentServiceLogger, notify: (id) => notified.push(id), chain: { settleAttempts: 1, retryBaseMs: 1, retryMaxMs: 1, receiptTimeoutMs: 100 } });
  closers.push(() => { provider.destroy(); store.close(); });
  settler.enqueue("elsewhere");
  // Let the pass finish (stopping first would swallow a failed call, hiding it from this test).
  await (settler as unknown as { running?: Promise<void> }).running;
  await settler.stop();
  expect(store.get("elsewhere")).toMatchObject({ settlement_status: "pending", settlement_error: null, settlement_attempts: 0 });
  expect(notified).toEqual([]);
});
