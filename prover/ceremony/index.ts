/**
 * A Groth16 phase-2 ceremony for one circuit: init (the initial key from the r1cs and a powers
 * of tau), contribute (file in, file out, secret randomness), verify (the whole transcript),
 * finalize (a public beacon, then the key installed as the circuit's setup with its record).
 */
export { initCeremony, ceremonyCircuit, type InitOptions } from "./init.ts";
export { contributeCeremony, type ContributeOptions } from "./contribute.ts";
export { verifyTranscript, type VerifyOptions } from "./verify.ts";
export { finalizeCeremony, checkBeacon, type FinalizeOptions } from "./finalize.ts";
export { readZkeyTranscript, type ZkeyTranscript } from "./transcript.ts";
export { resolvePtau, devPtau, type PtauSource } from "./ptau.ts";
export * from "./record.ts";
export { keyTrust, type KeyTrust, type KeyTrustOptions } from "./trust.ts";
