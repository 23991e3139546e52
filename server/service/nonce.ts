/**
 * The nonce of an infer call (or the one a verify call expects), for a model compiled with one.
 * A nonce is a number the prover fixes and the proof binds; ProvenOracle reads it as the unix
 * time of the observation. Omitted for such a model it is DEFAULT_NONCE (0), which no oracle
 * feed accepts as fresh; given for a model without one it is refused, since no proof of that
 * model could carry it.
 */
import { DEFAULT_NONCE, hasNonce, parseNonce } from "../../prover/inputs.ts";
import type { LoadedModel } from "./models.ts";
import { ServiceError } from "../core/types.ts";

const bad = (msg: string) => new ServiceError("INVALID_ARGUMENT", `nonce: ${msg}`, "nonce");

/** The nonce to prove with; undefined for a model without one. */
export function checkNonce(v: unknown, m: LoadedModel, opts: { default?: boolean } = { default: true }): bigint | undefined {
  const given = v !== undefined && v !== null && v !== "";
  if (!hasNonce(m.info)) {
    if (given) throw bad(`model ${m.info.name}'s circuit has no nonce input, so no proof of it can carry one (compile it with --nonce)`);
    return undefined;
  }
  if (!given) return opts.default === false ? undefined : DEFAULT_NONCE;
  try {
    return parseNonce(v, "nonce");
  } catch (e) {
    throw bad((e as Error).message.replace(/^nonce: /, ""));
  }
}
