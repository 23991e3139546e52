/** Facade of the prover pool (Piscina workers proving with snarkjs, single-threaded each). */
export { ProverPool } from "./pool.ts";
export type { ProveTask, ProveTaskResult } from "./task.ts";
export type { Prover, ProverResult } from "./prover.ts";
