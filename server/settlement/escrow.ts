/**
 * The operator's view of one InferenceEscrow (ethers v6): read a request, find the
 * transaction that settled it, and sign a settle() transaction without sending it, so its
 * hash can be recorded first.
 */
import { Contract, Transaction, type JsonRpcProvider, type Wallet } from "ethers";
import { settleArgs } from "../../verifier-contracts/contracts.ts";
import type { Groth16Proof } from "../../prover/snarkjs.ts";

/** IInferenceEscrow.Status, in declaration order. */
const STATUS = ["None", "Open", "Settled", "Refunded"] as const;
export type EscrowRequestStatus = (typeof STATUS)[number];

export interface EscrowRequestView {
  status: EscrowRequestStatus;
  /** bytes32, 0x-prefixed lower-case hex; zero once settled or refunded. */
  modelId: string;
  inputCommitment: bigint;
  deadline: bigint;
  operator: string;
  /** ERC-20 paid in, or the zero address for ETH. */
  token: string;
  price: bigint;
}

export interface SignedTx {
  hash: string;
  raw: string;
}

export class EscrowClient {
  readonly escrow: Contract;

  constructor(readonly address: string, abi: unknown[], readonly wallet: Wallet, readonly provider: JsonRpcProvider) {
    this.escrow = new Contract(address, abi as never[], wallet);
  }

  async request(id: bigint): Promise<EscrowRequestView> {
    const r = await this.escrow.getFunction("request")(id);
    return {
      status: STATUS[Number(r.status)] ?? "None",
      modelId: String(r.modelId).toLowerCase(),
      inputCommitment: BigInt(r.inputCommitment),
      deadline: BigInt(r.deadline),
      operator: String(r.operator),
      token: String(r.token),
      price: BigInt(r.price),
    };
  }

  /** The latest block's timestamp: the clock the escrow's deadline is measured against. */
  async latestTimestamp(): Promise<bigint> {
    const b = await this.provider.getBlock("latest");
    if (!b) throw new Error("the node returned no latest block");
    return BigInt(b.timestamp);
  }

  /** What RequestSettled(id) in `receipt` paid: the token and amount; undefined when the receipt has no such event. */
  paidIn(receipt: { logs: ReadonlyArray<{ address: string; topics: ReadonlyArray<string>; data: string }> }, id: bigint): { token: string; amount: bigint } | undefined {
    for (const l of receipt.logs) {
      if (l.address.toLowerCase() !== this.address.toLowerCase()) continue;
      const e = this.escrow.interface.parseLog({ topics: [...l.topics], data: l.data });
      if (e?.name === "RequestSettled" && BigInt(e.args.requestId) === id) return { token: String(e.args.token), amount: BigInt(e.args.amount) };
    }
    return undefined;
  }

  /** The hash of the transaction that emitted RequestSettled(id), if any. */
  async settledBy(id: bigint): Promise<string | undefined> {
    const logs = await this.escrow.queryFilter(this.escrow.filters.RequestSettled(id), 0, "latest");
    return logs[0]?.transactionHash;
  }

  /**
   * settle(id, proof, publicSignals) signed with the next pending nonce. The gas estimate runs
   * the call first, so a request that cannot settle (a named revert) fails here, before any
   * transaction exists.
   */
  async signSettle(id: bigint, proof: Groth16Proof, publicSignals: string[]): Promise<SignedTx> {
    const data = this.escrow.interface.encodeFunctionData("settle", [id, ...settleArgs(proof, publicSignals)]);
    const gas = await this.provider.estimateGas({ from: this.wallet.address, to: this.address, data });
    // Headroom: the estimate is exact for the current state; a cold slot elsewhere costs more.
    const tx = await this.wallet.populateTransaction({ to: this.address, data, gasLimit: (gas * 12n) / 10n });
    const raw = await this.wallet.signTransaction(tx);
    return { raw, hash: Transaction.from(raw).hash! };
  }
}
