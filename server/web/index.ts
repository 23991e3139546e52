/** The web console: its build (cached in the data directory) and its routes on the HTTP app. */
import path from "node:path";
import { resolveDataDir } from "../../prover/paths.ts";
import { buildWebConsole, type WebAssets } from "./build.ts";
import { memoizedAssets } from "./routes.ts";

export { buildWebConsole, type WebAssets } from "./build.ts";
export { mountWebConsole } from "./routes.ts";

/** Where the console is built: <data directory>/web. */
export const webCacheDir = (dataDir: string = resolveDataDir()) => path.join(dataDir, "web");

/** The assets of the default data directory, built on first request (or found cached). */
export function webConsoleAssets(dataDir?: string): () => Promise<WebAssets> {
  return memoizedAssets(() => buildWebConsole(webCacheDir(dataDir)));
}
