/** Facade of the inference engine: onnxruntime sessions and input validation/quantization. */
export { openSession, runSession, type ModelSession, type EngineLogger } from "./session.ts";
export { toInt8Input, checkInput, type CheckedInput, type InputSpec } from "./validate.ts";
