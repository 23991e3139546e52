/**
 * What the gateway gives a client beyond the proof: the card's preprocessing, the output as a
 * client reads it, the clipped-input warning, the commitment without a job, job pages and the
 * key trust of a job. Re-exported by types.ts.
 */
import type { InferInput, ProofRecord, ProofStatus } from "./types.ts";

/** A model's input preprocessing, as far as its manifest and training card record it. */
export interface Preprocessing {
  description: string;
  /** The range of the preprocessed values the model was trained on, where known. */
  expectedRange?: { min: number; max: number };
  /** Tabular models standardised per feature: float input j = (raw_j - mean[j]) / std[j]. */
  features?: string[];
  mean?: number[];
  std?: number[];
}

/** The output as a client reads it: dequantized, and for a classifier the class and its name. */
export interface OutputReading {
  /** output[i] / 2^output.shift. */
  outputFloat: number[];
  /** Classifiers: the class index (see ModelInfo.output.decision). */
  argmax?: number;
  /** The class name from the card's labels, when it has them. */
  label?: string;
}

/** A float input with values the input scale cannot represent, clipped (the answer still stands). */
export interface InputWarning {
  code: "INPUT_CLIPPED";
  /** How many values were clipped to -128 or 127 after scaling. */
  clipped: number;
  /** The first of them, e.g. "input.values[3]" (each edge names it as its request does). */
  field: string;
  message: string;
}

/** What commit() takes: the input (and salt) as infer takes them; nothing about payment or nonce. */
export type CommitInput = Pick<InferInput, "kind" | "values" | "inputSalt" | "strict">;

/** The input commitment infer would compute for the same input (and salt), without a job. */
export interface CommitResult {
  modelId: string;
  /** Decimal; the proof's inputCommitment signal for this input. */
  inputCommitment: string;
  /** Hashed-salted-input models: the salt used (the client's, or a fresh one). */
  inputSalt?: string;
  warning?: InputWarning;
}

/** GET /v1/proofs: newest first; the cursor is the nextCursor of the page before. */
export interface ProofQuery {
  limit?: number;
  cursor?: string;
  status?: ProofStatus;
  /** Model id, CID or name. */
  model?: string;
  escrowRequestId?: string;
}

export interface ProofPage {
  proofs: ProofRecord[];
  /** Pass as cursor for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** Where a job's proof key stands: the setup whose key proved it (or will, while not proved). */
export interface JobSetup {
  trusted: boolean;
  vkeyHash: string;
}
