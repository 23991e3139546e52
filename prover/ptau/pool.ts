// A small pool of generator workers (worker.ts) that runs jobs on all of them and
// hands results back in job order, so sections can be streamed to the file while
// later jobs are still computing. At most `maxAhead` results wait in memory.
import { Worker } from "node:worker_threads";
import { PtauError } from "./errors.ts";
import type { ScalarJob } from "./scalars.ts";
import type { DiffJob, WorkerRequest, WorkerResponse } from "./worker.ts";

/** uncompressed: also return the points' uncompressed encoding (`u`). */
export interface PoolTask { group: "G1" | "G2"; job: ScalarJob | DiffJob; uncompressed?: boolean }
export interface PoolResult { points: Uint8Array; u?: Uint8Array }

interface Slot {
  worker: Worker;
  exited: boolean;
  pending: Map<number, { resolve: (p: PoolResult) => void; reject: (e: Error) => void }>;
}

export class WorkerPool {
  private nextId = 0;
  private constructor(private readonly slots: Slot[]) {}

  static async start(threads: number, tau: bigint, windows: { G1: number; G2: number }): Promise<WorkerPool> {
    const slots: Slot[] = [];
    const ready: Promise<void>[] = [];
    for (let i = 0; i < threads; i++) {
      const worker = new Worker(new URL("./worker-boot.mjs", import.meta.url), {
        // ffjavascript imports the "web-worker" shim, which, when loaded outside the main
        // thread, assumes it is one of its own workers and evaluates workerData.mod. Give
        // it an empty script so importing ffjavascript in our worker is harmless.
        workerData: { mod: "data:,", name: "zkinfer-dev-ptau", type: "classic" },
      });
      const slot: Slot = { worker, exited: false, pending: new Map() };
      ready.push(new Promise<void>((resolve, reject) => {
        // A worker that dies must fail its jobs, never leave them waiting forever.
        worker.once("exit", (code) => {
          slot.exited = true;
          const err = new PtauError(`dev ptau worker exited (code ${code})`);
          reject(err);
          for (const p of slot.pending.values()) p.reject(err);
          slot.pending.clear();
        });
        worker.on("message", (m: WorkerResponse) => {
          if (m.type === "ready") resolve();
          else if (m.type === "result") { slot.pending.get(m.id)?.resolve({ points: m.points, u: m.u }); slot.pending.delete(m.id); }
          else if (m.type === "error") { slot.pending.get(m.id)?.reject(new PtauError(`dev ptau worker failed: ${m.message}`)); slot.pending.delete(m.id); }
        });
        worker.on("error", (e) => {
          reject(e);
          for (const p of slot.pending.values()) p.reject(new PtauError(`dev ptau worker crashed: ${e.message}`, { cause: e }));
          slot.pending.clear();
        });
      }));
      worker.postMessage({ type: "init", tau, windows } satisfies WorkerRequest);
      slots.push(slot);
    }
    const pool = new WorkerPool(slots);
    try {
      await Promise.all(ready);
    } catch (e) {
      await pool.close();
      throw e;
    }
    return pool;
  }

  private send(slot: Slot, task: PoolTask): Promise<PoolResult> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage({ type: "job", id, group: task.group, job: task.job, uncompressed: task.uncompressed } satisfies WorkerRequest);
    });
  }

  /** Runs all tasks; onResult is called once per task, in task order, never concurrently. */
  run(tasks: PoolTask[], onResult: (index: number, points: Uint8Array, u?: Uint8Array) => Promise<void>): Promise<void> {
    const maxAhead = this.slots.length * 3;
    return new Promise<void>((resolve, reject) => {
      if (tasks.length === 0) return resolve();
      const idle = [...this.slots];
      const done = new Map<number, PoolResult>();
      let nextDispatch = 0;
      let nextDeliver = 0;
      let delivering = false;
      let failed = false;
      const fail = (e: unknown) => { if (!failed) { failed = true; reject(e); } };
      const pump = () => {
        while (!failed && idle.length > 0 && nextDispatch < tasks.length && nextDispatch - nextDeliver < maxAhead) {
          const slot = idle.pop()!;
          const index = nextDispatch++;
          this.send(slot, tasks[index]).then((result) => {
            idle.push(slot);
            done.set(index, result);
            void deliver();
            pump();
          }, fail);
        }
      };
      const deliver = async () => {
        if (delivering || failed) return;
        delivering = true;
        try {
          while (done.has(nextDeliver)) {
            const { points, u } = done.get(nextDeliver)!;
            done.delete(nextDeliver);
            await onResult(nextDeliver, points, u);
            nextDeliver++;
            pump();
          }
        } catch (e) {
          fail(e);
        } finally {
          delivering = false;
        }
        if (nextDeliver === tasks.length) resolve();
      };
      pump();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map(async ({ worker, exited: gone }) => {
      if (gone) return;
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      worker.postMessage({ type: "close" } satisfies WorkerRequest);
      // The worker terminates its curve and closes its port; force it if it hangs.
      const timer = setTimeout(() => void worker.terminate(), 5000);
      await exited;
      clearTimeout(timer);
    }));
  }
}
