import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG, loadConfig } from "./index.ts";

describe("loadConfig", () => {
  it("gives the defaults when nothing is set", () => {
    expect(loadConfig({ env: {} })).toEqual({ ...DEFAULT_CONFIG });
  });

  it("reads every ZKINFER_ variable into its option", () => {
    const c = loadConfig({
      env: {
        ZKINFER_PORT: "9000", ZKINFER_GRPC_PORT: "0", ZKINFER_HOST: "0.0.0.0", ZKINFER_BODY_LIMIT: "2048",
        ZKINFER_API_KEYS: "a, b", ZKINFER_RATE_LIMIT: "5", ZKINFER_DB: "/tmp/x.sqlite", ZKINFER_MODELS: "digits-mlp",
        ZKINFER_POOL_THREADS: "3", ZKINFER_QUEUE_LIMIT: "7", ZKINFER_EXECUTION_PROVIDERS: "cuda,cpu", ZKINFER_DEV_PTAU_DIR: "/tmp/p",
      },
    });
    expect(c).toMatchObject({
      http: { host: "0.0.0.0", port: 9000 }, grpc: { host: "0.0.0.0", port: 0 }, bodyLimitBytes: 2048, apiKeys: ["a", "b"],
      rateLimitPerMinute: 5, dbPath: "/tmp/x.sqlite", models: ["digits-mlp"], poolThreads: 3, queueLimit: 7,
      executionProviders: ["cuda", "cpu"], devPtauDir: "/tmp/p",
    });
  });

  it("layers file, then environment, then overrides, and resolves file paths against the file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-config-"));
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ poolThreads: 2, queueLimit: 9, dbPath: "jobs.sqlite", http: { port: 1234 } }));
    const c = loadConfig({ env: { ZKINFER_CONFIG: file, ZKINFER_QUEUE_LIMIT: "11" }, overrides: { poolThreads: 4 } });
    expect(c).toMatchObject({ poolThreads: 4, queueLimit: 11, dbPath: path.join(dir, "jobs.sqlite"), http: { host: DEFAULT_CONFIG.http.host, port: 1234 } });
  });

  it("names the option at fault", () => {
    expect(() => loadConfig({ env: { ZKINFER_POOL_THREADS: "0" } })).toThrow("options.poolThreads must be a positive integer");
    expect(() => loadConfig({ env: { ZKINFER_POOL_THREADS: "two" } })).toThrow("options.poolThreads (ZKINFER_POOL_THREADS) must be a non-negative integer");
    expect(() => loadConfig({ env: {}, overrides: { http: { port: 70000 } } })).toThrow("options.http.port must be an integer port");
    expect(() => loadConfig({ env: { ZKINFER_EXECUTION_PROVIDERS: "cuda,tpu" } })).toThrow("options.executionProviders[1] must be one of");
    expect(() => loadConfig({ env: {}, overrides: { poolThread: 2 } as never })).toThrow("options.poolThread is not a known option");
  });
});
