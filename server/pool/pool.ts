/**
 * The prover pool: Piscina worker threads running worker.ts, one proof per thread at a time.
 * The service's dispatcher decides *when* a job runs (it never hands Piscina more tasks than
 * threads, so a job is `proving` exactly while a thread works on it); this class only runs
 * tasks and reports utilisation. Proving never touches the caller's event loop.
 */
import { Piscina } from "piscina";
import type { ProveTask, ProveTaskResult } from "./task.ts";
import type { Prover } from "./prover.ts";

export class ProverPool implements Prover {
  readonly untrusted = false;
  private readonly piscina: Piscina;
  private running = 0;

  constructor(readonly threads: number) {
    this.piscina = new Piscina({
      filename: new URL("./worker-entry.mjs", import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      // Keys stay loaded in long-lived workers: never retire an idle one.
      idleTimeout: Number.MAX_SAFE_INTEGER,
      concurrentTasksPerWorker: 1,
    });
  }

  /** Runs one proof. Aborting a running task makes Piscina terminate that worker (a fresh one replaces it). */
  async prove(task: ProveTask, signal?: AbortSignal): Promise<ProveTaskResult> {
    this.running++;
    try {
      return (await this.piscina.run(task, { signal })) as ProveTaskResult;
    } finally {
      this.running--;
    }
  }

  get maxInFlight(): number {
    return this.threads;
  }

  get busy(): number {
    return this.running;
  }

  /** Fraction of threads proving right now. */
  get utilization(): number {
    return Math.min(1, this.running / this.threads);
  }

  /** Terminates the workers (their proving keys and single-threaded curves go with them). */
  async destroy(): Promise<void> {
    await this.piscina.destroy();
  }
}
