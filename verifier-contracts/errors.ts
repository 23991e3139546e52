/**
 * The one error type of verifier-contracts/ (local chain, solc, Groth16 verifier export and
 * calls). Every message names what is at fault: the file, the option, the contract or the
 * child process (with its stderr tail).
 */
export class VerifierContractsError extends Error {
  override name = "VerifierContractsError";
}
