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

  it("reads ZKINFER_MODEL_DIRS (comma-separated, resolved) and modelDirs from a file relative to it", () => {
    expect(loadConfig({ env: { ZKINFER_MODEL_DIRS: "/a/m1, rel/m2" } }).modelDirs).toEqual(["/a/m1", path.resolve("rel/m2")]);
    const dir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-config-"));
    writeFileSync(path.join(dir, "c.json"), JSON.stringify({ modelDirs: ["mine"] }));
    expect(loadConfig({ env: {}, file: path.join(dir, "c.json") }).modelDirs).toEqual([path.join(dir, "mine")]);
    expect(() => loadConfig({ env: {}, overrides: { modelDirs: [""] } })).toThrow("options.modelDirs[0] must be a non-empty string");
  });

  it("layers file, then environment, then overrides, and resolves file paths against the file", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-config-"));
    const file = path.join(dir, "config.json");
    writeFileSync(file, JSON.stringify({ poolThreads: 2, queueLimit: 9, dbPath: "jobs.sqlite", http: { port: 1234 } }));
    const c = loadConfig({ env: { ZKINFER_CONFIG: file, ZKINFER_QUEUE_LIMIT: "11" }, overrides: { poolThreads: 4 } });
    expect(c).toMatchObject({ poolThreads: 4, queueLimit: 11, dbPath: path.join(dir, "jobs.sqlite"), http: { host: DEFAULT_CONFIG.http.host, port: 1234 } });
  });

  it("reads the chain options; a chain URL alone means an external chain", () => {
    const key = `0x${"ab".repeat(32)}`;
    const c = loadConfig({ env: { ZKINFER_CHAIN_RPC_URL: "http://127.0.0.1:8545", ZKINFER_CHAIN_KEY: key, ZKINFER_CHAIN_ESCROW: `0x${"12".repeat(20)}`, ZKINFER_SETTLE_ATTEMPTS: "3", ZKINFER_CHAIN_REGISTER_MODELS: "1" } });
    expect(c.chain).toMatchObject({ mode: "external", rpcUrl: "http://127.0.0.1:8545", privateKey: key, settleAttempts: 3, registerModels: true, retryBaseMs: DEFAULT_CONFIG.chain.retryBaseMs });
    expect(() => loadConfig({ env: { ZKINFER_CHAIN: "external" } })).toThrow('options.chain.rpcUrl is required when chain.mode is "external"');
    expect(() => loadConfig({ env: { ZKINFER_CHAIN: "local", ZKINFER_CHAIN_RPC_URL: "localhost:8545" } })).toThrow("options.chain.rpcUrl must be an http(s):// or ws(s):// URL");
    expect(() => loadConfig({ env: { ZKINFER_CHAIN: "external", ZKINFER_CHAIN_RPC_URL: "http://x", ZKINFER_CHAIN_KEY: "0x12", ZKINFER_CHAIN_ESCROW: "0x1" } })).toThrow("options.chain.privateKey must be 0x followed by 64 hex digits (got 4 characters)");
    expect(() => loadConfig({ env: { ZKINFER_CHAIN: "moon" } })).toThrow("options.chain.mode must be one of local, external, off");
  });

  it("reads the payment terms, and names the one at fault", () => {
    const c = loadConfig({ env: { ZKINFER_CHAIN_MIN_PRICE_WEI: "7", ZKINFER_CHAIN_MIN_DEADLINE_S: "300" } });
    expect(c.chain).toMatchObject({ minPriceWei: "7", minDeadlineSeconds: 300, tokens: [], modelPrices: {} });
    expect(loadConfig({ env: { ZKINFER_CHAIN_MIN_PRICE_WEI: "none" } }).chain.minPriceWei).toBeNull();
    const bad = (chain: object) => () => loadConfig({ env: {}, overrides: { chain } });
    expect(bad({ minPriceWei: 1000 })).toThrow('options.chain.minPriceWei must be a whole number below 2^256 as a decimal string, e.g. "1000000000000000" (got 1000)');
    expect(bad({ minPriceWei: "1e18" })).toThrow("options.chain.minPriceWei must be a whole number");
    expect(bad({ minDeadlineSeconds: -1 })).toThrow("options.chain.minDeadlineSeconds must be a non-negative integer number of seconds");
    const token = `0x${"12".repeat(20)}`;
    expect(bad({ tokens: [{ address: "0x12", minAmount: "1" }] })).toThrow("options.chain.tokens[0].address must be an address");
    expect(bad({ tokens: [{ address: token, minAmount: "1" }, { address: token.toUpperCase().replace("0X", "0x"), minAmount: "2" }] })).toThrow(`options.chain.tokens[1].address ${token.toUpperCase().replace("0X", "0x")} is listed twice`);
    expect(bad({ tokens: [{ address: `0x${"0".repeat(40)}`, minAmount: "1" }] })).toThrow("options.chain.tokens[0].address is the zero address");
    expect(bad({ tokens: [{ address: token, min: "1" }] })).toThrow("options.chain.tokens[0].min is not a known option");
    expect(bad({ modelPrices: { "digits-mlp": { minPriceWei: "x" } } })).toThrow('options.chain.modelPrices["digits-mlp"].minPriceWei must be a whole number');
    expect(bad({ modelPrices: { "digits-mlp": { price: "1" } } })).toThrow('options.chain.modelPrices["digits-mlp"].price is not a known option');
    expect(bad({ modelPrices: [] })).toThrow("options.chain.modelPrices must be an object keyed by model name or id");
  });

  it("names the option at fault", () => {
    expect(() => loadConfig({ env: { ZKINFER_POOL_THREADS: "0" } })).toThrow("options.poolThreads must be a positive integer");
    expect(() => loadConfig({ env: { ZKINFER_POOL_THREADS: "two" } })).toThrow("options.poolThreads (ZKINFER_POOL_THREADS) must be a non-negative integer");
    expect(() => loadConfig({ env: {}, overrides: { http: { port: 70000 } } })).toThrow("options.http.port must be an integer port");
    expect(() => loadConfig({ env: { ZKINFER_EXECUTION_PROVIDERS: "cuda,tpu" } })).toThrow("options.executionProviders[1] must be one of");
    expect(() => loadConfig({ env: {}, overrides: { poolThread: 2 } as never })).toThrow("options.poolThread is not a known option");
  });
});
