/**
 * GET /v1/chain: chain discovery. A client learns from the gateway alone where to pay for a
 * proof (chain id, RPC URL, escrow, operator, each model's price) and where proven values are
 * published (registry, oracle), instead of reading the operator's config or guessing a port.
 */
import type { InferenceService } from "../core/types.ts";
import type { Schema } from "./json-schema.ts";
import { defineRoute, type RouteDef } from "./route-table.ts";

const ADDRESS: Schema = { type: "string", pattern: "^0x[0-9a-fA-F]{40}$" };

/**
 * OpenAPI 3.1's `type: [t, "null"]`. The route table's Schema type has one type per schema (its
 * validator checks requests); this schema only documents a response, so it is never validated.
 */
const nullable = (s: Schema): Schema => ({ ...s, type: [s.type, "null"] }) as unknown as Schema;

export const CHAIN: Schema = {
  type: "object",
  description: "The chain this server settles escrow requests on, its contracts and each ready model's verifier and payment terms.",
  required: ["chainId", "rpcUrl", "operator", "contracts", "models"],
  properties: {
    chainId: { type: "integer" },
    rpcUrl: nullable({ type: "string", description: "The JSON-RPC URL the server itself uses (for npm start's local chain, its loopback URL); null if unknown." }),
    operator: { ...ADDRESS, description: "The address the server settles as: the payee an escrow request must name." },
    contracts: {
      type: "object",
      required: ["registry", "escrow", "oracle"],
      properties: {
        registry: { ...ADDRESS, description: "ModelRegistry (the escrow's)." },
        escrow: { ...ADDRESS, description: "InferenceEscrow." },
        oracle: nullable({ ...ADDRESS, description: "ProvenOracle, null when the operator names none (options.chain.oracle)." }),
      },
    },
    models: {
      type: "array",
      items: {
        type: "object",
        required: ["id", "name", "verifier", "payment"],
        properties: {
          id: { type: "string", description: "sha256 model id (hex); on chain it is the bytes32 0x<id>." },
          name: { type: "string" },
          verifier: nullable({ ...ADDRESS, description: "The registered Groth16 verifier; null when the model is not registered." }),
          payment: { $ref: "#/components/schemas/Payment" },
        },
      },
    },
  },
};

export function chainRoute(service: InferenceService): RouteDef {
  return defineRoute({
    method: "get", path: "/v1/chain", operationId: "getChain", tags: ["chain"], protected: true,
    summary: "The chain, contracts, operator and per-model prices for paying for proofs and reading proven values",
    responses: {
      200: { description: "The chain", schema: CHAIN },
      404: { description: "Settlement is not configured on this server", schema: { $ref: "#/components/schemas/Error" } },
      503: { description: "Settlement is configured but still starting (the models are loading); Retry-After", schema: { $ref: "#/components/schemas/Error" } },
    },
    handler: ({ c }) => c.json(service.getChain()),
  });
}
