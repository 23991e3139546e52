/**
 * Settles proved jobs that reference an escrow request: one job at a time (one signer, so one
 * nonce sequence), each through a small state machine kept in the job store:
 *
 *   pending ──check request, sign, RECORD hash──▶ submitted ──receipt──▶ settled
 *      │                                              │  (status 0, named revert)▶ failed
 *      └── request mismatch / closed / named revert ──┴──────────────────────────▶ failed
 *
 * Never a double submission: the signed transaction and its hash are stored before it is
 * broadcast. A recorded transaction is only ever re-broadcast byte for byte (same hash, same
 * nonce: at most one can be mined); a new one is signed only once the node has no trace of the
 * old one (unknown, and its nonce used by another transaction) and the escrow still holds the
 * request open. Transient errors are retried with exponential backoff; after
 * chain.settleAttempts in one run the job keeps its state and the next start resumes it.
 */
import type { TransactionReceipt } from "ethers";
import type { JobRow, JobStore } from "../jobs/index.ts";
import type { ServiceLogger } from "../core/logger.ts";
import type { ChainConfig } from "../config/index.ts";
import type { Groth16Proof } from "../../prover/snarkjs.ts";
import { classify, isAlreadyKnown, isNonceUsed, namedRevert } from "./classify.ts";
import { SettlementError } from "./errors.ts";
import type { EscrowClient, EscrowRequestView } from "./escrow.ts";

export interface SettlerDeps {
  store: JobStore;
  client: EscrowClient;
  log: ServiceLogger;
  chain: Pick<ChainConfig, "settleAttempts" | "retryBaseMs" | "retryMaxMs" | "receiptTimeoutMs">;
  /** Called after every stored settlement change of a job. */
  notify(requestId: string): void;
}

class Stopped extends Error {}

/** Between receipt look-ups; a local chain mines at once, a public one every few seconds. */
const RECEIPT_POLL_MS = 200;

export class Settler {
  private readonly queue: string[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private running: Promise<void> | undefined;
  private stopped = false;
  private readonly abort = new AbortController();

  constructor(private readonly d: SettlerDeps) {}

  /** Queues a job for settlement (a no-op when it is already queued). */
  enqueue(requestId: string): void {
    if (this.stopped || this.queue.includes(requestId)) return;
    this.queue.push(requestId);
    this.running ??= this.drain().finally(() => (this.running = undefined));
  }

  /** Queues every proved job whose settlement is not final (at start: resume after a restart). */
  resume(): number {
    const rows = this.d.store.unsettled();
    for (const r of rows) this.enqueue(r.request_id);
    return rows.length;
  }

  /** Stops: pending retries are dropped, a wait for a receipt is abandoned (the next start picks it up). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.queue.length = 0;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (!this.stopped && this.queue.length > 0) {
      const id = this.queue.shift()!;
      try {
        await this.settle(id);
      } catch (e) {
        if (e instanceof Stopped || this.stopped) return;
        this.failure(id, e);
      }
    }
  }

  private failure(id: string, e: unknown): void {
    const { store, log, chain } = this.d;
    const c = classify(this.d.client.escrow, e);
    const row = store.get(id);
    const escrowId = row?.escrow_request_id;
    if (c.final) {
      log.warn(`job ${id}: settlement of escrow request ${escrowId} failed: ${c.message}`);
      store.markSettlementFailed(id, c.message);
      this.attempts.delete(id);
      this.d.notify(id);
      return;
    }
    const n = (this.attempts.get(id) ?? 0) + 1;
    this.attempts.set(id, n);
    if (n >= chain.settleAttempts) {
      store.noteSettlementError(id, `${c.message} (gave up after ${n} attempts; the next start tries again)`);
      log.error(`job ${id}: settlement of escrow request ${escrowId}: ${c.message}; gave up after ${n} attempts, the next start tries again`);
      this.attempts.delete(id);
    } else {
      const delay = Math.min(chain.retryMaxMs, chain.retryBaseMs * 2 ** (n - 1));
      store.noteSettlementError(id, `${c.message} (attempt ${n} of ${chain.settleAttempts}; retrying in ${delay} ms)`);
      log.warn(`job ${id}: settlement of escrow request ${escrowId}: transient error (attempt ${n}): ${c.message}; retrying in ${delay} ms`);
      const t = setTimeout(() => {
        this.timers.delete(t);
        this.enqueue(id);
      }, delay);
      this.timers.add(t);
    }
    this.d.notify(id);
  }

  /** One pass of the state machine for one job; throws to retry or to fail (see classify). */
  private async settle(id: string): Promise<void> {
    const { store } = this.d;
    const row = store.get(id);
    if (!row || row.status !== "proved" || (row.settlement_status !== "pending" && row.settlement_status !== "submitted")) return;
    // Another chain's request (a replaced instance's is failed at bind): its id means nothing here.
    if (row.settlement_chain !== store.boundChain) return;
    const requestId = BigInt(row.escrow_request_id!);

    if (row.settlement_tx) {
      // A transaction is recorded: it may be mined, pending, dropped, or never sent (a crash
      // between recording and sending). Only its receipt, or the node's ignorance of it, decides.
      if (await this.awaitRecorded(row)) return;
      const req = await this.d.client.request(requestId);
      if (req.status !== "Open") return this.closed(row, req);
      try {
        await this.d.client.provider.broadcastTransaction(row.settlement_raw_tx!);
      } catch (e) {
        if (isNonceUsed(e)) {
          // Its nonce went to another transaction, and it is not mined: it never will be.
          this.write(() => store.clearSettlementTx(id));
          throw new SettlementError(`recorded transaction ${row.settlement_tx} can no longer be mined (its nonce was used); signing a new one`, false);
        }
        if (!isAlreadyKnown(e)) throw e;
      }
      await this.awaitRecorded(row, true);
      return;
    }

    const req = await this.d.client.request(requestId);
    if (req.status !== "Open") return this.closed(row, req);
    this.checkMatches(row, req, requestId);
    await this.checkPays(req, requestId);
    const signed = await this.d.client.signSettle(requestId, JSON.parse(row.proof!) as Groth16Proof, JSON.parse(row.public_signals!) as string[]);
    this.write(() => {
      // Recorded, or not sent at all (the row moved on meanwhile: nothing to do).
      if (!store.recordSettlementTx(id, signed.hash, signed.raw)) throw new Stopped();
    });
    this.d.notify(id);
    this.d.log.info(`job ${id}: settling escrow request ${requestId} with transaction ${signed.hash}`);
    try {
      await this.d.client.provider.broadcastTransaction(signed.raw);
    } catch (e) {
      if (!isAlreadyKnown(e)) throw e;
    }
    await this.awaitRecorded({ ...row, settlement_tx: signed.hash }, true);
  }

  /**
   * Looks up (and with `wait`, waits for) the recorded transaction's receipt and stores the
   * outcome. Returns false when the node does not know the transaction.
   */
  private async awaitRecorded(row: JobRow, wait = false): Promise<boolean> {
    const { provider } = this.d.client;
    const hash = row.settlement_tx!;
    let receipt = await provider.getTransactionReceipt(hash);
    if (!receipt) {
      if (!wait && !(await provider.getTransaction(hash))) return false;
      receipt = await this.pollReceipt(hash);
    }
    if (receipt.status === 1) {
      const paid = this.d.client.paidIn(receipt, BigInt(row.escrow_request_id!));
      this.write(() => this.d.store.markSettled(row.request_id, hash, paid && { ...paid, gasUsed: receipt.gasUsed }));
      this.d.log.info(`job ${row.request_id}: escrow request ${row.escrow_request_id} settled by ${hash} (block ${receipt.blockNumber})`);
    } else {
      // Mined but reverted (the state changed between the estimate and the block): final. But
      // another sender may have settled the request first, with this job's published proof or
      // another: the payee was fixed at opening, so the operator was paid all the same.
      const other = await this.settledByAnother(row);
      if (other) {
        const theirs = await this.d.client.provider.getTransactionReceipt(other);
        const paid = theirs ? this.d.client.paidIn(theirs, BigInt(row.escrow_request_id!)) : undefined;
        this.write(() => this.d.store.markSettled(row.request_id, other, paid));
        this.d.log.info(`job ${row.request_id}: escrow request ${row.escrow_request_id} was settled first by ${other}; our ${hash} reverted, the operator is paid all the same`);
      } else {
        const why = await this.revertReason(row, receipt.blockNumber);
        this.write(() => this.d.store.markSettlementFailed(row.request_id, `transaction ${hash} reverted${why ? ` with ${why}` : ""}`));
      }
    }
    this.d.notify(row.request_id);
    return true;
  }

  /** The transaction that settled the job's request, when one other than ours did. */
  private async settledByAnother(row: JobRow): Promise<string | undefined> {
    const id = BigInt(row.escrow_request_id!);
    if ((await this.d.client.request(id)).status !== "Settled") return undefined;
    const tx = await this.d.client.settledBy(id);
    return tx && tx !== row.settlement_tx ? tx : undefined;
  }

  /** Replays the call on the state before `block` to name the revert; best effort. */
  private async revertReason(row: JobRow, block: number): Promise<string | undefined> {
    const { client } = this.d;
    try {
      const tx = await client.provider.getTransaction(row.settlement_tx!);
      if (!tx) return undefined;
      await client.provider.call({ from: tx.from, to: tx.to, data: tx.data, blockTag: block - 1 });
    } catch (e) {
      return namedRevert(client.escrow, e);
    }
    return undefined;
  }

  /** The escrow request is no longer open: settled (by whoever sent the proof) or over. */
  private async closed(row: JobRow, req: EscrowRequestView): Promise<void> {
    const requestId = BigInt(row.escrow_request_id!);
    if (req.status === "Settled") {
      // The payee was fixed when the request was opened, so the operator is paid whoever sent it.
      const tx = await this.d.client.settledBy(requestId);
      if (tx) {
        const theirs = await this.d.client.provider.getTransactionReceipt(tx);
        const paid = theirs ? this.d.client.paidIn(theirs, requestId) : undefined;
        this.write(() => this.d.store.markSettled(row.request_id, tx, paid));
        this.d.notify(row.request_id);
        return;
      }
    }
    const why = {
      None: `escrow request ${requestId} does not exist on escrow ${this.d.client.address} (RequestNotFound)`,
      Open: "",
      Settled: `escrow request ${requestId} is already settled (RequestAlreadySettled)`,
      Refunded: `escrow request ${requestId} was refunded to its client after its deadline (RequestAlreadyRefunded)`,
    }[req.status];
    throw new SettlementError(`${why}; not submitted`, true);
  }

  /** The request must be for this job's model and input: never spend gas on a proof that cannot settle it. */
  private checkMatches(row: JobRow, req: EscrowRequestView, requestId: bigint): void {
    const model = `0x${row.model_id.toLowerCase()}`;
    if (req.modelId !== model) {
      throw new SettlementError(`escrow request ${requestId} is for model ${req.modelId}, but this job ran model ${model}; not submitted`, true);
    }
    const commitment = row.input_commitment === null ? undefined : BigInt(row.input_commitment);
    if (commitment === undefined || req.inputCommitment !== commitment) {
      throw new SettlementError(`escrow request ${requestId} is for input commitment ${req.inputCommitment}, but this job's input commits to ${row.input_commitment ?? "nothing (public input)"}; not submitted`, true);
    }
  }

  /**
   * Defence in depth behind infer's admission (the chain, or this server's key, may have changed
   * since): sign only for a request that pays this server and can still be settled. The escrow
   * settles while block.timestamp <= deadline, and the next block is later than the latest one.
   */
  private async checkPays(req: EscrowRequestView, requestId: bigint): Promise<void> {
    const ours = this.d.client.wallet.address;
    if (req.operator.toLowerCase() !== ours.toLowerCase()) {
      throw new SettlementError(`escrow request ${requestId} pays operator ${req.operator}, not this server's operator ${ours}; not submitted (the gas would buy nothing)`, true);
    }
    const now = await this.d.client.latestTimestamp();
    if (req.deadline <= now) {
      throw new SettlementError(`escrow request ${requestId} has deadline ${req.deadline}, not after the chain's latest block (${now}): it can no longer be settled; not submitted`, true);
    }
  }

  /** A store write, unless stopped (the store may be closed by then: the next start redoes the step). */
  private write(fn: () => unknown): void {
    if (this.stopped || !this.d.store.db.open) throw new Stopped();
    fn();
  }

  /**
   * Polls for the receipt until chain.receiptTimeoutMs (a transient failure: the next pass looks
   * again). Polled here rather than with ethers' waitForTransaction, whose block subscriber
   * cannot be cancelled when the service closes mid-wait.
   */
  private async pollReceipt(hash: string): Promise<TransactionReceipt> {
    const { provider } = this.d.client;
    const deadline = Date.now() + this.d.chain.receiptTimeoutMs;
    for (;;) {
      if (this.stopped) throw new Stopped();
      const r = await provider.getTransactionReceipt(hash);
      if (r) return r;
      if (Date.now() > deadline) throw new SettlementError(`no receipt for ${hash} within ${this.d.chain.receiptTimeoutMs} ms`, false);
      await new Promise<void>((resolve) => {
        const t = setTimeout(done, RECEIPT_POLL_MS);
        const signal = this.abort.signal;
        function done() {
          clearTimeout(t);
          signal.removeEventListener("abort", done);
          resolve();
        }
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }
}
