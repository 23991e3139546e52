/** Facade of the durable job store. */
export { JobStore, toProofRecord, type NewJob, type ProvedResult } from "./store.ts";
export type { JobRow, SettlementStatus } from "./schema.ts";
