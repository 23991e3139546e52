/**
 * The served models and their states while they load in the background: each configured
 * folder is "building" (circuit compile and Groth16 setup, minutes on a first start), then
 * "ready" or "failed" with the reason. Lookups accept the name, the sha256 id and the CID.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { onnxCid } from "../../prover/content-id.ts";
import { ConfigError } from "../config/index.ts";
import type { LoadedModel } from "./models.ts";
import type { ModelStatus } from "../core/types.ts";

export class ModelRegistry {
  /** Ready models by name, id and CID (the dispatcher reads it as they are added). */
  readonly loaded = new Map<string, LoadedModel>();
  private readonly statuses: (ModelStatus & { dir: string })[];

  private constructor(statuses: (ModelStatus & { dir: string })[]) {
    this.statuses = statuses;
  }

  /** Reads each folder's manifest name and ONNX ids; what cannot be read is already "failed". */
  static async open(folders: string[]): Promise<ModelRegistry> {
    const out: (ModelStatus & { dir: string })[] = [];
    for (const dir of folders) {
      const s: ModelStatus & { dir: string } = { dir, name: path.basename(dir), state: "building" };
      try {
        const manifest = JSON.parse(readFileSync(path.join(dir, "manifest.json"), "utf8"));
        if (typeof manifest?.name === "string") s.name = manifest.name;
        if (typeof manifest?.modelId === "string") s.id = manifest.modelId;
        const onnx = path.join(dir, String(manifest?.files?.integer));
        if (!existsSync(onnx)) throw new Error(`${onnx}: the integer ONNX (manifest files.integer) is missing`);
        s.cid = await onnxCid(readFileSync(onnx));
      } catch (e) {
        s.state = "failed";
        s.reason = e instanceof SyntaxError ? `${path.join(dir, "manifest.json")}: not valid JSON (${e.message})` : (e as Error).message;
      }
      const twin = out.find((o) => o.name === s.name);
      if (twin) throw new ConfigError(`options.modelDirs: two models are named ${JSON.stringify(s.name)} (${twin.dir} and ${dir}); serve one of them`);
      // Jobs, the prover and the on-chain registry know a model by its id (the ONNX hash): two
      // circuits of one ONNX (say a hashed and a public input) would prove each other's jobs.
      const same = s.id === undefined || s.state === "failed" ? undefined : out.find((o) => o.state !== "failed" && o.id === s.id);
      if (same) throw new ConfigError(`options.modelDirs: models ${JSON.stringify(same.name)} (${same.dir}) and ${JSON.stringify(s.name)} (${dir}) have the same model id ${s.id} (the same integer ONNX); serve one of them`);
      out.push(s);
    }
    return new ModelRegistry(out);
  }

  /** Folders still to load, in order. */
  pending(): { name: string; dir: string }[] {
    return this.statuses.filter((s) => s.state === "building").map(({ name, dir }) => ({ name, dir }));
  }

  markReady(m: LoadedModel): void {
    for (const k of [m.info.id, m.info.cid, m.info.name]) this.loaded.set(k, m);
    const s = this.statuses.find((x) => x.dir === m.dir.dir || x.name === m.info.name);
    if (!s) return;
    Object.assign(s, { state: "ready", id: m.info.id, cid: m.info.cid });
    delete s.reason;
  }

  markFailed(name: string, reason: string): void {
    const s = this.statuses.find((x) => x.name === name);
    if (s) Object.assign(s, { state: "failed", reason });
  }

  list(): ModelStatus[] {
    return this.statuses.map(({ dir: _dir, ...s }) => ({ ...s }));
  }

  /** The status of a model not (yet) ready, by name, id or CID. */
  status(key: string): ModelStatus | undefined {
    return this.list().find((s) => s.name === key || s.id === key || s.cid === key);
  }

  get building(): boolean {
    return this.statuses.some((s) => s.state === "building");
  }
}
