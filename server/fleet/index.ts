/** Facade of the prover fleet on BullMQ: the gateway's side (FleetProver), the node (prover-node.ts), the status. */
export { FleetProver, type FleetProverOptions } from "./fleet-prover.ts";
export { ArtifactIndex } from "./artifacts.ts";
export { nodeLabel, readTally, type Outcome } from "./node-tally.ts";
export type { FleetJobData, FleetResult, ArtifactHashes } from "./job.ts";
