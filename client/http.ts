/**
 * JSON over the gateway's HTTP API: the API key header, and error answers turned into
 * ZkinferClientError with the gateway's code and field kept.
 */
import { ZkinferClientError } from "./errors.ts";
import type { FetchLike, ZkinferClientOptions } from "./types.ts";

export class Http {
  readonly baseUrl: string;
  readonly fetch: FetchLike;
  private readonly apiKey?: string;

  constructor(o: ZkinferClientOptions) {
    if (typeof o?.baseUrl !== "string" || !/^https?:\/\/[^\s]+$/.test(o.baseUrl)) {
      throw new ZkinferClientError("INVALID_ARGUMENT", `baseUrl: expected the gateway's http(s) URL, got ${JSON.stringify(o?.baseUrl)}`, "baseUrl");
    }
    this.baseUrl = o.baseUrl.replace(/\/+$/, "");
    this.apiKey = o.apiKey;
    const f = o.fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof f !== "function") throw new ZkinferClientError("INVALID_ARGUMENT", "fetch: no global fetch in this runtime; pass options.fetch", "fetch");
    // A browser's fetch called as this.fetch(...) throws "Illegal invocation": keep it bound to its global.
    this.fetch = o.fetch ? f : (f.bind(globalThis) as FetchLike);
  }

  headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.apiKey ? { authorization: `Bearer ${this.apiKey}` } : {}), ...extra };
  }

  /** The raw response of GET/POST `path`; a gateway that cannot be reached is a NETWORK error. */
  async raw(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await this.fetch(`${this.baseUrl}${path}`, { ...init, headers: this.headers(init.headers as Record<string, string> | undefined) });
    } catch (e) {
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      throw new ZkinferClientError("NETWORK", `${this.baseUrl}${path}: ${(e as Error).message}${cause ? ` (${cause})` : ""}`, "baseUrl");
    }
  }

  async get<T>(path: string): Promise<T> {
    return this.parse<T>(path, await this.raw(path));
  }

  async post<T>(path: string, body: unknown): Promise<T> {
    return this.parse<T>(path, await this.raw(path, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } }));
  }

  private async parse<T>(path: string, res: Response): Promise<T> {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (res.ok && body !== undefined) return body as T;
    const err = (body as { error?: { code?: string; message?: string; field?: string } } | undefined)?.error;
    const what = err?.message ?? (res.ok ? `not JSON: ${text.slice(0, 100)}` : text.slice(0, 200));
    throw new ZkinferClientError("HTTP", `${path}: ${res.status} ${err?.code ?? ""} ${what}`.replace(/\s+/g, " "), err?.field, { status: res.status, code: err?.code });
  }
}
