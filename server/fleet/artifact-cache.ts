/**
 * A prover node's artifacts by content hash: a file is taken from the local cache, a shared
 * folder, or the gateway (GET /v1/artifacts/{sha256}, with the node's API key), and its sha256 is
 * checked before use, whatever the source: bytes that hash to anything else are refused (a
 * model whose hash differs is never proved), and a cached file is checked again once per
 * process (the disk may have changed under it). Fetches are retried with backoff, then the job
 * fails with the reason; the gateway retries it.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { SHA256_HEX } from "./job.ts";

export interface ArtifactSources {
  /** The gateway's base URL (http://host:port). */
  gatewayUrl?: string;
  apiKey?: string;
  /** A folder holding artifacts named by their sha256 (hex). */
  sharedDir?: string;
  /** Where fetched artifacts are kept, named by their sha256. */
  cacheDir: string;
  /** Tries per source before the job fails; backoff 250 ms doubling (6 tries: about 8 s, a gateway's restart). */
  tries?: number;
}

export class ArtifactError extends Error {
  override name = "ArtifactError";
}

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

export class ArtifactCache {
  private readonly checked = new Map<string, Promise<string>>();

  constructor(private readonly o: ArtifactSources) {
    if (!o.gatewayUrl && !o.sharedDir) throw new ArtifactError("a prover node needs a gateway URL or a shared artifacts folder to fetch model artifacts from");
    mkdirSync(o.cacheDir, { recursive: true });
  }

  /** The local path of the artifact with this sha256, checked. */
  get(hash: string): Promise<string> {
    if (typeof hash !== "string" || !SHA256_HEX.test(hash)) return Promise.reject(new ArtifactError(`artifact hash ${JSON.stringify(hash)?.slice(0, 80)} is not a sha256 in hex`));
    let p = this.checked.get(hash);
    if (!p) {
      p = this.load(hash);
      this.checked.set(hash, p);
      p.catch(() => this.checked.delete(hash));
    }
    return p;
  }

  private async load(hash: string): Promise<string> {
    const file = path.join(this.o.cacheDir, hash);
    if (existsSync(file)) {
      if (sha256(readFileSync(file)) === hash) return file;
      rmSync(file, { force: true }); // changed on disk: fetch it again
    }
    const bytes = await this.fetch(hash);
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, file);
    return file;
  }

  private async fetch(hash: string): Promise<Uint8Array> {
    const problems: string[] = [];
    const tries = this.o.tries ?? 6;
    for (let i = 0; i < tries; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 250 * 2 ** (i - 1)));
      for (const [where, read] of this.sources(hash)) {
        let bytes: Uint8Array;
        try {
          bytes = await read();
        } catch (e) {
          problems.push(`${where}: ${(e as Error).message}`);
          continue;
        }
        const got = sha256(bytes);
        // Not retried: the source holds other bytes under this hash.
        if (got !== hash) throw new ArtifactError(`artifact ${hash}: the bytes from ${where} hash to ${got}; refused (a model whose hash differs is never proved)`);
        return bytes;
      }
    }
    throw new ArtifactError(`artifact ${hash}: not available after ${tries} tries (${[...new Set(problems)].join("; ")})`);
  }

  private sources(hash: string): [string, () => Promise<Uint8Array>][] {
    const out: [string, () => Promise<Uint8Array>][] = [];
    const { sharedDir, gatewayUrl, apiKey } = this.o;
    if (sharedDir) out.push([`shared folder ${sharedDir}`, async () => readFileSync(path.join(sharedDir, hash))]);
    if (gatewayUrl) {
      out.push([`gateway ${gatewayUrl}`, async () => {
        const res = await fetch(`${gatewayUrl.replace(/\/$/, "")}/v1/artifacts/${hash}`, { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} });
        if (!res.ok) throw new Error(`HTTP ${res.status} ${(await res.text()).slice(0, 200)}`);
        return new Uint8Array(await res.arrayBuffer());
      }]);
    }
    return out;
  }
}
