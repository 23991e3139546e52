/**
 * Float graphs before quantization: simplifyFloatGraph turns an exported float ONNX graph into
 * the canonical op chain, evaluateFloat runs float graphs (canonical or as exported) for
 * calibration and comparison.
 */
export { simplifyFloatGraph } from "./simplify.ts";
export { evaluateFloat, evaluateFloatOutput, type FloatInput } from "./evaluate-float.ts";
export { CANONICAL_OPS, FOLDED_OPS, REMOVED_OPS, KERNELS } from "./kernels.ts";
export type { FloatValue, Kind } from "./value.ts";
