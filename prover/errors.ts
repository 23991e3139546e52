/**
 * The one error type of prover/. Every message names what is at fault: the ONNX node (name,
 * index, op type), the tensor, the option or the file.
 *
 * `field` is the option, flag or request field at fault when a caller's value was refused
 * ("--input[3]", "inputSalt", "beacon"): the CLI turns it into the flag it came from, the
 * server into the field of its answer. `internal` marks a bug (e.g. onnxruntime and the proof
 * disagree), never the caller's fault: the CLI exits with 3 for it, not 2.
 */
export class ProverError extends Error {
  override name = "ProverError";
  readonly field?: string;
  readonly internal?: boolean;
  constructor(message: string, options?: { cause?: unknown; field?: string; internal?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.field !== undefined) this.field = options.field;
    if (options?.internal) this.internal = true;
  }
}
