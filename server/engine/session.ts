/**
 * onnxruntime-node sessions, one per model, with the configured execution providers tried in
 * order. A provider that cannot start here (e.g. "cuda" without the CUDA build or a GPU) is
 * skipped with a log line, and CPU is the last resort, so a GPU config still serves on a CPU
 * box. The integer ops all run on CPU; a GPU provider hands them back to CPU node by node.
 */
import ort from "onnxruntime-node";

export interface EngineLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface ModelSession {
  session: ort.InferenceSession;
  /** The provider that started. */
  provider: string;
  inputName: string;
  outputName: string;
}

export async function openSession(model: Uint8Array, providers: string[], log: EngineLogger, what: string): Promise<ModelSession> {
  const order = providers.includes("cpu") ? providers : [...providers, "cpu"];
  let lastError: unknown;
  for (const provider of order) {
    try {
      const session = await ort.InferenceSession.create(model, { executionProviders: [provider] });
      if (provider !== providers[0]) log.warn(`${what}: onnxruntime runs on "${provider}" (falling back from "${providers[0]}")`);
      return { session, provider, inputName: session.inputNames[0], outputName: session.outputNames[0] };
    } catch (e) {
      lastError = e;
      log.warn(`${what}: execution provider "${provider}" is not available here (${(e as Error).message.split("\n")[0]})`);
    }
  }
  throw new Error(`${what}: no execution provider could start (${providers.join(", ")}): ${(lastError as Error)?.message}`);
}

/** Runs the model on one int8 input of shape `dims`; the first output as numbers. */
export async function runSession(s: ModelSession, x: Int8Array, dims: number[]): Promise<number[]> {
  const result = await s.session.run({ [s.inputName]: new ort.Tensor("int8", x, dims) });
  return Array.from(result[s.outputName].data as ArrayLike<number>, Number);
}
