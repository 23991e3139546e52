/**
 * zkinfer's TypeScript client (`@zkinfer-dev/zkinfer/client`): ESM, typed, and free of Node-only
 * imports (client/imports.test.ts), so it runs in a browser bundle as in Node.
 */
export { ZkinferClient } from "./client.ts";
export { ZkinferClientError, type ClientErrorCode } from "./errors.ts";
export { commitInput } from "./commitment.ts";
export { vkeyHashOf, type ProofInput } from "./verify.ts";
export type { OpenRequestOptions } from "./escrow.ts";
export type { ReadOracleOptions } from "./oracle.ts";
export type * from "./types.ts";
