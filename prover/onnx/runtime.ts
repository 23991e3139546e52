/**
 * Running an integer ONNX model with onnxruntime-node. Sessions are cached per model bytes,
 * execution providers are configurable (CPU by default; "cuda" where the CUDA build is
 * installed, see README).
 */
import ort from "onnxruntime-node";
import { createHash } from "node:crypto";

const sessions = new Map<string, Promise<ort.InferenceSession>>();

export function onnxSession(model: Uint8Array, providers: string[] = ["cpu"]): Promise<ort.InferenceSession> {
  const key = createHash("sha256").update(model).digest("hex") + providers.join(",");
  let s = sessions.get(key);
  if (!s) {
    s = ort.InferenceSession.create(model, { executionProviders: providers });
    sessions.set(key, s);
  }
  return s;
}

/**
 * Runs a one-input, one-output int8 model; returns the first output's values as numbers.
 * `dims` is the input's shape (default [1, n]).
 */
export async function runOnnx(model: Uint8Array, input: Int8Array, dims: number[] = [1, input.length], providers?: string[]): Promise<number[]> {
  const session = await onnxSession(model, providers);
  const meta = session.inputNames[0];
  const result = await session.run({ [meta]: new ort.Tensor("int8", input, dims) });
  return Array.from(result[session.outputNames[0]].data as ArrayLike<number>, Number);
}
