/**
 * The routes around jobs that are not one request's proof: the input commitment without a job
 * (POST /v1/models/{id}/commit) and the list of jobs (GET /v1/proofs).
 */
import type { InferenceService, InputWarning, ProofStatus } from "../core/types.ts";
import { renameField } from "../edge/fields.ts";
import { defineRoute, type RouteDef } from "./route-table.ts";
import { COMMIT_BODY, COMMIT_RESULT, MODEL_ID, PROOF_PAGE, ROUNDING_RULE } from "./api-schemas.ts";
import { DEFAULT_PAGE, MAX_PAGE } from "../core/records.ts";

/** The service names input fields as `input.values[3]`; the HTTP body has them as `input[3]`. */
export const httpWarning = (w: InputWarning): InputWarning => ({ ...w, field: w.field.replace(/^input\.values/, "input"), message: w.message.split("input.values").join("input") });

export function jobRoutes(service: InferenceService): RouteDef[] {
  return [
    defineRoute({
      method: "post", path: "/v1/models/{id}/commit", operationId: "commitInput", tags: ["inference"], protected: true,
      summary: "The input commitment of an input, without a job or a proof",
      description: `Computes the Poseidon commitment infer would return (and its proof carry) for this input and salt, e.g. to open an escrow request bound to it before inferring. Hashed-salted-input models: the client's inputSalt, or a fresh one returned as inputSalt (send it to infer). Nothing is stored. A model with a public input has no input commitment: 400. ${ROUNDING_RULE}`,
      params: { id: MODEL_ID },
      body: COMMIT_BODY,
      responses: { 200: { description: "The commitment (and salt)", schema: COMMIT_RESULT } },
      handler: async ({ c, params, body }) => {
        const b = body as { input: unknown[]; kind?: "float" | "int8"; inputSalt?: string; strict?: boolean };
        const r = await service
          .commit(params.id, { kind: b.kind ?? "int8", values: b.input, inputSalt: b.inputSalt, strict: b.strict })
          .catch((e: unknown) => { throw renameField(e, "input.values", "input"); });
        return c.json(r.warning ? { ...r, warning: httpWarning(r.warning) } : r);
      },
    }),
    defineRoute({
      method: "get", path: "/v1/proofs", operationId: "listProofs", tags: ["proofs"], protected: true,
      summary: "The jobs, newest first, paged and filtered",
      description: `Records as GET /v1/proofs/{requestId} gives them (never a salt). Pages of ?limit= records (default ${DEFAULT_PAGE}, at most ${MAX_PAGE}); the next page: ?cursor= the nextCursor of this one (stable while new jobs arrive). Every key holder sees every job (records carry no input, only its commitment; a hashed output's values are never in a record).`,
      query: {
        limit: { type: "integer", minimum: 1, maximum: MAX_PAGE, default: DEFAULT_PAGE, description: `Records per page (at most ${MAX_PAGE}).` },
        cursor: { type: "string", pattern: "^[1-9][0-9]{0,14}$", description: "The nextCursor of the previous page." },
        status: { type: "string", enum: ["queued", "proving", "proved", "failed"], description: "Only jobs with this proof status." },
        model: { ...MODEL_ID, description: "Only jobs of this model: id, CID or name (a 64-hex id also for a model no longer served)." },
        escrowRequestId: { type: "string", pattern: "^[0-9]{1,78}$", description: "Only the job(s) settling this escrow request (decimal)." },
      },
      responses: { 200: { description: "A page of records", schema: PROOF_PAGE } },
      handler: ({ c, query }) =>
        c.json(service.listProofs({
          limit: query.limit as number, cursor: query.cursor as string | undefined, status: query.status as ProofStatus | undefined,
          model: query.model as string | undefined, escrowRequestId: query.escrowRequestId as string | undefined,
        })),
    }),
  ];
}
