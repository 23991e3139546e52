// The one error class of the ptau package: callers can tell "bad option / bad file"
// failures of this package apart from anything snarkjs or the file system throws.

export class PtauError extends Error {
  override readonly name = "PtauError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}
