// The client's entry point for plain Node (bundlers take client/index.ts through the "browser"
// condition): the sources are TypeScript, loaded through tsx as api/entry.js does. The names
// below are client/index.ts's run-time exports (client/package-entry.test.ts checks they match).
import { tsImport } from "tsx/esm/api";

const client = await tsImport("./index.ts", import.meta.url);

export const { ZkinferClient, ZkinferClientError, commitInput, vkeyHashOf } = client;
