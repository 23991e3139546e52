/**
 * The salt of a hashed-salted input commitment for one infer call. The client may choose it
 * (so it can compute the commitment before inferring, e.g. to open an escrow request bound to
 * it); otherwise the server draws a fresh one. Either way it goes back to the client and is
 * stored with the job, since the prover needs it.
 */
import { freshSalt, parseSalt } from "../../prover/commitment.ts";
import type { LoadedModel } from "./models.ts";
import { ServiceError } from "../core/types.ts";

/** The salt to use; undefined for a model whose input commitment takes none (then a given salt is refused). */
export function checkInputSalt(v: unknown, m: LoadedModel): bigint | undefined {
  const given = v !== undefined && v !== null && v !== "";
  if (m.info.visibility.input !== "hashed-salted") {
    if (given) throw new ServiceError("INVALID_ARGUMENT", `inputSalt: model ${m.info.name}'s input is ${m.info.visibility.input}, its commitment takes no salt`, "inputSalt");
    return undefined;
  }
  if (!given) return freshSalt();
  try {
    return parseSalt(v, "inputSalt");
  } catch (e) {
    throw new ServiceError("INVALID_ARGUMENT", (e as Error).message, "inputSalt");
  }
}
