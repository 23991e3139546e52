/**
 * onnxruntime-node sessions, one per model: the one wrapper of prover/ (prover/onnx/runtime.ts),
 * with its provider fallback (the configured providers in order, CPU last).
 */
import type { LevelledLogger } from "../../prover/logger.ts";

export { openSession, runSession, type ModelSession } from "../../prover/onnx/runtime.ts";

/** zkinfer's one logger type (prover/logger.ts), with warn present. */
export type EngineLogger = Pick<LevelledLogger, "info" | "warn">;
