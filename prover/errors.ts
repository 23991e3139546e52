/**
 * The one error type of prover/. Every message names what is at fault: the ONNX node (name,
 * index, op type), the tensor, the option or the file.
 */
export class ProverError extends Error {
  override name = "ProverError";
}
