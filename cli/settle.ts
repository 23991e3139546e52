/** `zkinfer settle`: settles an InferenceEscrow request with a proof file written by `zkinfer prove`. */
import { settleArgs, attachContract, compileZkinfer } from "../verifier-contracts/contracts.ts";
import type { Groth16Proof } from "../prover/snarkjs.ts";
import { UsageError, type Command } from "./args.ts";
import { address, connect, needCode, privateKey, readJsonFile, revertMessage, rpcUrl } from "./chain-args.ts";

/** Which flag a named revert of settle() points at. */
const BLAME: Record<string, string> = {
  RequestNotFound: "--request",
  RequestAlreadySettled: "--request",
  RequestAlreadyRefunded: "--request",
  DeadlinePassed: "--request",
  InputCommitmentMismatch: "--proof",
  PublicSignalCountMismatch: "--proof",
  WeightsCommitmentMismatch: "--proof",
  InvalidProof: "--proof",
};

export const settle: Command = {
  name: "settle",
  usage: `usage: zkinfer settle --rpc <url> --key <hex> --escrow <address> --request <id> --proof <proof.json>

  --rpc      JSON-RPC endpoint of the chain
  --key      private key that sends the transaction (anyone may: the payee is the request's operator)
  --escrow   the InferenceEscrow
  --request  the escrow request id (decimal)
  --proof    a file written by zkinfer prove (needs "proof" and "publicSignals")

The call is simulated first: a request that cannot settle (unknown, settled, refunded, past its
deadline, or for another input) is reported with the escrow's named error and nothing is sent.
Prints JSON: requestId, txHash, blockNumber, gasUsed, operator, price.`,
  options: { rpc: { type: "string" }, key: { type: "string" }, escrow: { type: "string" }, request: { type: "string" }, proof: { type: "string" } },
  async run(_positionals, v) {
    const url = rpcUrl(v.rpc);
    const key = privateKey(v.key);
    const escrowAddress = address("escrow", v.escrow);
    if (typeof v.request !== "string" || !/^[0-9]{1,78}$/.test(v.request)) throw new UsageError(`--request: expected a decimal escrow request id, got ${JSON.stringify(v.request ?? null)}`);
    const requestId = BigInt(v.request);
    const file = readJsonFile("proof", v.proof);
    if (typeof file.proof !== "object" || file.proof === null || !Array.isArray(file.publicSignals)) throw new UsageError(`--proof: ${v.proof} lacks "proof" or "publicSignals" (write it with zkinfer prove)`);
    const args = settleArgs(file.proof as Groth16Proof, file.publicSignals as string[]);
    const { wallet, provider } = await connect(url, key);
    try {
      await needCode(provider, "escrow", escrowAddress, "InferenceEscrow");
      const escrow = attachContract(compileZkinfer(), "InferenceEscrow", escrowAddress, wallet);
      const req = await escrow.getFunction("request")(requestId);
      const fail = (e: unknown): never => {
        const msg = revertMessage(escrow, e, BLAME);
        if (msg) throw new UsageError(msg);
        throw e;
      };
      await escrow.getFunction("settle").staticCall(requestId, ...args).catch(fail);
      const tx = await escrow.getFunction("settle")(requestId, ...args).catch(fail);
      const rc = await tx.wait();
      const out = { requestId: requestId.toString(), txHash: rc.hash, blockNumber: rc.blockNumber, gasUsed: rc.gasUsed.toString(), operator: String(req.operator), price: BigInt(req.price).toString() };
      process.stdout.write(`${JSON.stringify(out, null, 1)}\n`);
      return 0;
    } finally {
      provider.destroy();
    }
  },
};
