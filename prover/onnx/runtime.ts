/**
 * Running an integer ONNX model with onnxruntime-node: the one wrapper the CLI, the library,
 * the compiler's differential check and the server use. The configured execution providers
 * are tried in order; one that cannot start here (e.g. "cuda" without the CUDA build or a GPU)
 * is skipped with a log line, and CPU is the last resort, so a GPU config still runs on a CPU
 * box. The integer ops all run on CPU; a GPU provider hands them back to CPU node by node.
 */
import ort from "onnxruntime-node";
import { createHash } from "node:crypto";
import { ProverError } from "../errors.ts";
import { silentLogger, type Logger } from "../logger.ts";

export interface ModelSession {
  session: ort.InferenceSession;
  /** The provider that started. */
  provider: string;
  inputName: string;
  outputName: string;
}

/** A session on the first provider of `providers` that starts (CPU last); `what` names the model in messages. */
export async function openSession(model: Uint8Array, providers: readonly string[] = ["cpu"], log: Logger = silentLogger, what = "model"): Promise<ModelSession> {
  const order = providers.includes("cpu") ? providers : [...providers, "cpu"];
  const warn = (m: string) => (log.warn ?? log.info).call(log, m);
  let lastError: unknown;
  for (const provider of order) {
    try {
      const session = await ort.InferenceSession.create(model, { executionProviders: [provider] });
      if (provider !== providers[0]) warn(`${what}: onnxruntime runs on "${provider}" (falling back from "${providers[0]}")`);
      return { session, provider, inputName: session.inputNames[0], outputName: session.outputNames[0] };
    } catch (e) {
      lastError = e;
      warn(`${what}: execution provider "${provider}" is not available here (${(e as Error).message.split("\n")[0]})`);
    }
  }
  throw new ProverError(`${what}: no execution provider could start (${providers.join(", ")}): ${(lastError as Error)?.message}`);
}

/** Runs the model on one int8 input of shape `dims`; the first output as numbers. */
export async function runSession(s: ModelSession, x: Int8Array, dims: readonly number[]): Promise<number[]> {
  const result = await s.session.run({ [s.inputName]: new ort.Tensor("int8", x, dims) });
  return Array.from(result[s.outputName].data as ArrayLike<number>, Number);
}

const sessions = new Map<string, Promise<ModelSession>>();

/** A session cached per model bytes and providers; a session that failed to open is not kept. */
export function cachedSession(model: Uint8Array, providers: readonly string[] = ["cpu"]): Promise<ModelSession> {
  const key = createHash("sha256").update(model).digest("hex") + providers.join(",");
  let s = sessions.get(key);
  if (!s) {
    s = openSession(model, providers);
    sessions.set(key, s);
    s.catch(() => sessions.delete(key));
  }
  return s;
}

/** The cached onnxruntime session of a model (for callers that read its metadata). */
export async function onnxSession(model: Uint8Array, providers: readonly string[] = ["cpu"]): Promise<ort.InferenceSession> {
  return (await cachedSession(model, providers)).session;
}

/**
 * Runs a one-input, one-output int8 model; returns the first output's values as numbers.
 * `dims` is the input's shape (default [1, n]).
 */
export async function runOnnx(model: Uint8Array, input: Int8Array, dims: readonly number[] = [1, input.length], providers?: readonly string[]): Promise<number[]> {
  return runSession(await cachedSession(model, providers), input, dims);
}
