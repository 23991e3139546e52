/**
 * What travels through the fleet's BullMQ queue: a proof job (the pool's ProveTask with its
 * file paths replaced by content hashes, so a node on another machine can fetch and check them)
 * and a node's answer. Everything a node returns is untrusted: the gateway checks the shape, the
 * verifying key and the served job before it records anything.
 */
import type { CircuitLayout } from "../../prover/inputs.ts";
import type { ProveTask, ProveTaskResult } from "../pool/index.ts";

/** sha256 (hex) of each file a proof needs. */
export interface ArtifactHashes {
  wasm: string;
  zkey: string;
  /** Hashed-weights circuits only: the integer ONNX the worker reads the weights from. */
  onnx?: string;
}

export interface FleetJobData {
  requestId: string;
  artifacts: ArtifactHashes;
  layout: CircuitLayout;
  x: number[];
  salt?: string;
  inputSalt?: string;
  nonce?: string;
  /**
   * Nodes whose proof of this job the gateway rejected: they leave the job to others until
   * avoidUntil (ms since the epoch), after which any node may take it (it may be the only one).
   */
  avoid?: string[];
  avoidUntil?: number;
}

/** A node's answer: the pool's result plus the node's (self-declared) name. */
export interface FleetResult extends ProveTaskResult {
  node: string;
}

/** The one BullMQ job name; the job id is always the request id. */
export const PROVE_JOB = "prove";

export const SHA256_HEX = /^[0-9a-f]{64}$/;

/** The fleet job of a pool task, given its artifacts' hashes. */
export function fleetJob(task: ProveTask, artifacts: ArtifactHashes, avoid?: { nodes: string[]; until: number }): FleetJobData {
  const d: FleetJobData = { requestId: task.requestId, artifacts, layout: task.layout, x: task.x };
  if (task.salt !== undefined) d.salt = task.salt;
  if (task.inputSalt !== undefined) d.inputSalt = task.inputSalt;
  if (task.nonce !== undefined) d.nonce = task.nonce;
  if (avoid?.nodes.length) {
    d.avoid = avoid.nodes;
    d.avoidUntil = avoid.until;
  }
  return d;
}

/** The pool task of a fleet job, once its artifacts are local files. */
export function poolTask(d: FleetJobData, files: { wasm: string; zkey: string; onnx?: string }): ProveTask {
  const t: ProveTask = { requestId: d.requestId, wasmPath: files.wasm, zkeyPath: files.zkey, layout: d.layout, x: d.x };
  if (files.onnx) t.onnxPath = files.onnx;
  if (d.salt !== undefined) t.salt = d.salt;
  if (d.inputSalt !== undefined) t.inputSalt = d.inputSalt;
  if (d.nonce !== undefined) t.nonce = d.nonce;
  return t;
}
