/**
 * What the service's dispatcher needs of whatever proves: the embedded Piscina pool
 * (ProverPool, trusted: its workers run this code in this process) or the fleet on BullMQ
 * (server/fleet, untrusted: every answer comes from another machine and is checked in full).
 */
import type { ProveTask, ProveTaskResult } from "./task.ts";

export interface ProverResult extends ProveTaskResult {
  /** The node that answered (fleet only; self-declared, so used only for metrics and avoidance). */
  node?: string;
}

export interface Prover {
  /** Proofs that run at once (the queue-wait estimate divides by it). */
  readonly threads: number;
  /** Most jobs the dispatcher hands over at once. */
  readonly maxInFlight: number;
  /** True when results come from outside this process: the dispatcher then verifies every proof. */
  readonly untrusted: boolean;
  /**
   * True when a job may wait after prove() is called (the fleet's queue): the dispatcher then
   * leaves the row `queued` until prove() calls `started`. Otherwise the row is `proving` at once.
   */
  readonly reportsStart?: boolean;
  readonly utilization: number;
  prove(task: ProveTask, signal?: AbortSignal, started?: () => void): Promise<ProverResult>;
  /** The dispatcher rejected a node's proof of this job: count it, and let others take the retry. */
  rejected?(requestId: string, node: string | undefined, reason: string): void;
  /** The dispatcher checked and stored a node's proof of this job. */
  accepted?(requestId: string, node: string | undefined): void;
  /** The job is settled in the store (proved or failed): forget what was kept for its retries. */
  settled?(requestId: string): void;
  destroy(): Promise<void>;
}
