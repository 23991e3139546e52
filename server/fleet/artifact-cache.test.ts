/**
 * A prover node's artifact cache: bytes are used only when they hash to what the job asked for,
 * whichever source they come from (shared folder, gateway, its own cache on disk).
 */
import { createHash } from "node:crypto";
import { createServer } from "node:http";
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, expect, it } from "vitest";
import { makeTempDir } from "../../test/helpers/temp-dir.ts";
import { ArtifactCache } from "./artifact-cache.ts";

const tmp = makeTempDir("zkinfer-artifacts-");
afterAll(() => tmp.remove());
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

it("takes a shared-folder file whose bytes hash to its name, and keeps it in the cache", async () => {
  const shared = tmp.file();
  const h = sha("the proving key");
  writeFileSync(tmp.file(h), "the proving key");
  const cache = new ArtifactCache({ sharedDir: shared, cacheDir: tmp.file("cache-a") });
  const p = await cache.get(h);
  expect(readFileSync(p, "utf8")).toBe("the proving key");
  expect(p).toBe(tmp.file("cache-a", h));
});

it("refuses bytes that hash to anything else (a model whose hash differs), and writes nothing", async () => {
  const h = sha("the real key");
  writeFileSync(tmp.file(h), "a swapped key");
  const cache = new ArtifactCache({ sharedDir: tmp.path, cacheDir: tmp.file("cache-b") });
  await expect(cache.get(h)).rejects.toThrow(new RegExp(`artifact ${h}: the bytes from shared folder .* hash to ${sha("a swapped key")}; refused`));
  expect(() => readFileSync(tmp.file("cache-b", h))).toThrow();
});

it("checks its own cached copy again: a file changed on disk is fetched anew", async () => {
  const h = sha("weights v1");
  writeFileSync(tmp.file(h), "weights v1");
  const cache = new ArtifactCache({ sharedDir: tmp.path, cacheDir: tmp.file("cache-c") });
  const p = await cache.get(h);
  writeFileSync(p, "tampered");
  const again = new ArtifactCache({ sharedDir: tmp.path, cacheDir: tmp.file("cache-c") });
  expect(readFileSync(await again.get(h), "utf8")).toBe("weights v1");
});

it("fetches from the gateway with the API key, and names the hash and the answer when it cannot", async () => {
  const body = "wasm bytes";
  const seen: (string | undefined)[] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers.authorization);
    if (req.url === `/v1/artifacts/${sha(body)}`) res.end(body);
    else if (req.url === `/v1/artifacts/${sha("lie")}`) res.end("not the lie");
    else res.writeHead(404).end("no such artifact");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  try {
    const cache = new ArtifactCache({ gatewayUrl: url, apiKey: "k1", cacheDir: tmp.file("cache-d"), tries: 2 });
    expect(readFileSync(await cache.get(sha(body)), "utf8")).toBe(body);
    expect(seen[0]).toBe("Bearer k1");
    await expect(cache.get(sha("lie"))).rejects.toThrow(/refused/);
    await expect(cache.get(sha("missing"))).rejects.toThrow(new RegExp(`artifact ${sha("missing")}: not available after 2 tries \\(gateway .*: HTTP 404 no such artifact\\)`));
    await expect(cache.get("../../etc/passwd")).rejects.toThrow(/is not a sha256 in hex/);
  } finally {
    server.close();
  }
});

it("needs a source", () => {
  expect(() => new ArtifactCache({ cacheDir: tmp.file("cache-e") })).toThrow(/needs a gateway URL or a shared artifacts folder/);
});
