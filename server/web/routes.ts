/**
 * The web console on the HTTP app: GET / (the page) and GET /assets/{app.js,style.css}. The
 * assets are built on first need (buildWebConsole, cached in the data directory); the page is
 * public like /healthz: it holds no data, its API calls go through /v1 with the caller's key.
 * A strict Content-Security-Policy: scripts and styles from this origin only, no inline code,
 * connections to this origin only; 'wasm-unsafe-eval' for snarkjs' and circomlibjs' wasm,
 * blob: workers for snarkjs' pairing threads.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Context, Hono } from "hono";
import type { WebAssets } from "./build.ts";

const CSP = [
  "default-src 'none'", "script-src 'self' 'wasm-unsafe-eval'", "worker-src 'self' blob:", "style-src 'self'",
  "img-src 'self' data:", "connect-src 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join("; ");

const FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/assets/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/assets/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};

type RouteCtx = Context<{ Variables: { route: string } }>;

/** Mounts the page; `assets` is called on each request (memoize it) and may build on first call. */
export function mountWebConsole(app: Hono<any>, assets: () => Promise<WebAssets>): void {
  const cache = new Map<string, Buffer>();
  for (const [route, { file, type }] of Object.entries(FILES)) {
    app.get(route, async (c: RouteCtx) => {
      c.set("route", route);
      const a = await assets();
      const key = `${a.key}/${file}`;
      let body = cache.get(key);
      if (!body) cache.set(key, (body = readFileSync(path.join(a.dir, file))));
      return c.body(new Uint8Array(body), 200, {
        "content-type": type,
        "content-security-policy": CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        // The page names its assets without a hash: revalidate, so a rebuilt console is seen at once.
        "cache-control": "no-cache",
        etag: `"${a.key.slice(0, 32)}"`,
      });
    });
  }
}

/** One build per process, started on first call; a failed build is retried on the next. */
export function memoizedAssets(load: () => Promise<WebAssets>): () => Promise<WebAssets> {
  let p: Promise<WebAssets> | undefined;
  return () => {
    p ??= load().catch((e: unknown) => {
      p = undefined;
      throw e;
    });
    return p;
  };
}
