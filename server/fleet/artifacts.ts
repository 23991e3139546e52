/**
 * The gateway's artifacts by content hash: each file handed to the fleet (circuit wasm, proving
 * key, integer ONNX) is hashed once (again when its size or mtime changes) and served at
 * GET /v1/artifacts/{sha256} from this index only, so no other file of the gateway's disk can
 * be asked for, whatever the path.
 */
import { createHash } from "node:crypto";
import { createReadStream, statSync } from "node:fs";

interface Entry {
  stamp: string;
  sha256: string;
}

export class ArtifactIndex {
  private readonly byPath = new Map<string, Entry>();
  private readonly byHash = new Map<string, string>();

  /** The file's sha256 (hex), registered for serving. */
  async hash(file: string): Promise<string> {
    const s = statSync(file);
    const stamp = `${s.size}:${s.mtimeMs}:${s.ino}`;
    const e = this.byPath.get(file);
    if (e?.stamp === stamp) return e.sha256;
    const h = createHash("sha256");
    for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
    const sha256 = h.digest("hex");
    this.byPath.set(file, { stamp, sha256 });
    this.byHash.set(sha256, file);
    return sha256;
  }

  /** The path of a registered artifact, or undefined. */
  path(sha256: string): string | undefined {
    return this.byHash.get(sha256);
  }
}
