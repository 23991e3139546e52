/**
 * Resolves the service config: DEFAULT_CONFIG, then an optional JSON file, then environment
 * variables, then explicit overrides (tests, the CLI), then validation. The environment is a
 * parameter, not read from a global deep inside, so tests pass their own.
 *
 * Environment (all optional):
 *   ZKINFER_CONFIG               path of a JSON file with any ServiceConfig fields
 *   ZKINFER_HOST                 http.host (and grpc.host)
 *   ZKINFER_HTTP_PORT            http.port (ZKINFER_PORT is an alias)
 *   ZKINFER_GRPC_PORT            grpc.port
 *   ZKINFER_BODY_LIMIT           bodyLimitBytes
 *   ZKINFER_API_KEYS             apiKeys, comma-separated (empty = auth off)
 *   ZKINFER_RATE_LIMIT           rateLimitPerMinute (per key)
 *   ZKINFER_DATA_DIR             the data directory: default dbPath and devPtauDir below it
 *                                (docs/data-dir.md)
 *   ZKINFER_DB                   dbPath
 *   ZKINFER_MODELS_DIR           modelsDir
 *   ZKINFER_MODEL_DIRS           modelDirs, comma-separated (model folders or folders of them)
 *   ZKINFER_MODELS               "all" or comma-separated model folder names
 *   ZKINFER_POOL_THREADS         poolThreads
 *   ZKINFER_QUEUE_LIMIT          queueLimit
 *   ZKINFER_MAX_AUTO_CONSTRAINTS maxAutoConstraints
 *   ZKINFER_EXECUTION_PROVIDERS  executionProviders, comma-separated, in order (e.g. cuda,cpu)
 *   ZKINFER_DEV_PTAU_DIR         devPtauDir
 *   ZKINFER_SHUTDOWN_TIMEOUT_MS  shutdownTimeoutMs
 *   ZKINFER_MAX_ATTEMPTS         maxAttempts
 *   ZKINFER_QUEUE                queue (fleet mode: redis://host:port of the BullMQ queue)
 *   ZKINFER_QUEUE_NAME           queueName
 *   ZKINFER_CHAIN                chain.mode: local (default) | external | off
 *   ZKINFER_CHAIN_RPC_URL        chain.rpcUrl (setting it without ZKINFER_CHAIN means external)
 *   ZKINFER_CHAIN_KEY            chain.privateKey (the operator's key, 0x + 64 hex digits)
 *   ZKINFER_CHAIN_ESCROW         chain.escrow (InferenceEscrow address)
 *   ZKINFER_CHAIN_ORACLE         chain.oracle (ProvenOracle address, published on GET /v1/chain)
 *   ZKINFER_CHAIN_REGISTER_MODELS chain.registerModels (1/true: deploy and register missing models)
 *   ZKINFER_SETTLE_ATTEMPTS      chain.settleAttempts
 *   ZKINFER_SETTLE_RETRY_MS      chain.retryBaseMs
 *   ZKINFER_SETTLE_RETRY_MAX_MS  chain.retryMaxMs
 *   ZKINFER_SETTLE_RECEIPT_TIMEOUT_MS chain.receiptTimeoutMs
 *   ZKINFER_CHAIN_MIN_DEADLINE_S chain.minDeadlineSeconds
 *   ZKINFER_CHAIN_MIN_PRICE_WEI  chain.minPriceWei (decimal wei, or "none": ETH not accepted)
 *   ZKINFER_CHAIN_READ_TIMEOUT_MS chain.readTimeoutMs
 *   (chain.tokens and chain.modelPrices only from the config file)
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { DATA_DIR_ENV, defaultPaths, resolveDataDir } from "../../prover/paths.ts";
import { DEFAULT_CONFIG, type ServiceConfig, type ServiceConfigInput } from "./defaults.ts";
import { ConfigError, validateConfig } from "./validate.ts";

type Env = Record<string, string | undefined>;

/** A numeric variable must be a whole decimal number; anything else is reported by its name. */
function envInt(env: Env, name: string, option: string): number | undefined {
  const v = env[name]?.trim();
  if (v === undefined || v === "") return undefined;
  if (!/^\d+$/.test(v)) throw new ConfigError(`options.${option} (${name}) must be a non-negative integer (got ${JSON.stringify(v)})`);
  return Number(v);
}

const envList = (env: Env, name: string): string[] | undefined => {
  const v = env[name];
  return v === undefined ? undefined : v.split(",").map((s) => s.trim()).filter(Boolean);
};

function fromEnv(env: Env): ServiceConfigInput {
  const c: ServiceConfigInput = { http: {}, grpc: {} };
  const set = <K extends keyof ServiceConfigInput>(k: K, v: ServiceConfigInput[K] | undefined) => {
    if (v !== undefined) c[k] = v;
  };
  if (env.ZKINFER_HOST) c.http!.host = c.grpc!.host = env.ZKINFER_HOST;
  const httpPort = envInt(env, "ZKINFER_HTTP_PORT", "http.port") ?? envInt(env, "ZKINFER_PORT", "http.port");
  if (httpPort !== undefined) c.http!.port = httpPort;
  const grpcPort = envInt(env, "ZKINFER_GRPC_PORT", "grpc.port");
  if (grpcPort !== undefined) c.grpc!.port = grpcPort;
  set("bodyLimitBytes", envInt(env, "ZKINFER_BODY_LIMIT", "bodyLimitBytes"));
  set("apiKeys", envList(env, "ZKINFER_API_KEYS"));
  set("rateLimitPerMinute", envInt(env, "ZKINFER_RATE_LIMIT", "rateLimitPerMinute"));
  // A data directory named in this environment moves the defaults below it (prover/paths.ts).
  if (env[DATA_DIR_ENV]) {
    const p = defaultPaths(resolveDataDir({ env }));
    c.dbPath = p.jobsDb;
    c.devPtauDir = p.ptauDir;
  }
  set("dbPath", env.ZKINFER_DB || undefined);
  set("modelsDir", env.ZKINFER_MODELS_DIR || undefined);
  set("modelDirs", envList(env, "ZKINFER_MODEL_DIRS")?.map((d) => path.resolve(d)));
  const models = env.ZKINFER_MODELS?.trim();
  if (models) set("models", models === "all" ? "all" : envList(env, "ZKINFER_MODELS"));
  set("poolThreads", envInt(env, "ZKINFER_POOL_THREADS", "poolThreads"));
  set("queueLimit", envInt(env, "ZKINFER_QUEUE_LIMIT", "queueLimit"));
  set("maxAutoConstraints", envInt(env, "ZKINFER_MAX_AUTO_CONSTRAINTS", "maxAutoConstraints"));
  set("executionProviders", envList(env, "ZKINFER_EXECUTION_PROVIDERS"));
  set("devPtauDir", env.ZKINFER_DEV_PTAU_DIR || undefined);
  set("shutdownTimeoutMs", envInt(env, "ZKINFER_SHUTDOWN_TIMEOUT_MS", "shutdownTimeoutMs"));
  set("maxAttempts", envInt(env, "ZKINFER_MAX_ATTEMPTS", "maxAttempts"));
  set("queue", env.ZKINFER_QUEUE?.trim() || undefined);
  set("queueName", env.ZKINFER_QUEUE_NAME?.trim() || undefined);
  const chain: Record<string, unknown> = {};
  const mode = env.ZKINFER_CHAIN?.trim();
  if (mode) chain.mode = mode;
  else if (env.ZKINFER_CHAIN_RPC_URL) chain.mode = "external";
  if (env.ZKINFER_CHAIN_RPC_URL) chain.rpcUrl = env.ZKINFER_CHAIN_RPC_URL.trim();
  if (env.ZKINFER_CHAIN_KEY) chain.privateKey = env.ZKINFER_CHAIN_KEY.trim();
  if (env.ZKINFER_CHAIN_ESCROW) chain.escrow = env.ZKINFER_CHAIN_ESCROW.trim();
  if (env.ZKINFER_CHAIN_ORACLE) chain.oracle = env.ZKINFER_CHAIN_ORACLE.trim();
  const reg = env.ZKINFER_CHAIN_REGISTER_MODELS?.trim().toLowerCase();
  if (reg) {
    if (!["1", "0", "true", "false"].includes(reg)) throw new ConfigError(`options.chain.registerModels (ZKINFER_CHAIN_REGISTER_MODELS) must be 1, 0, true or false (got ${JSON.stringify(reg)})`);
    chain.registerModels = reg === "1" || reg === "true";
  }
  for (const [name, option] of [
    ["ZKINFER_SETTLE_ATTEMPTS", "settleAttempts"],
    ["ZKINFER_SETTLE_RETRY_MS", "retryBaseMs"],
    ["ZKINFER_SETTLE_RETRY_MAX_MS", "retryMaxMs"],
    ["ZKINFER_SETTLE_RECEIPT_TIMEOUT_MS", "receiptTimeoutMs"],
    ["ZKINFER_CHAIN_MIN_DEADLINE_S", "minDeadlineSeconds"],
    ["ZKINFER_CHAIN_READ_TIMEOUT_MS", "readTimeoutMs"],
  ] as const) {
    const v = envInt(env, name, `chain.${option}`);
    if (v !== undefined) chain[option] = v;
  }
  const minPrice = env.ZKINFER_CHAIN_MIN_PRICE_WEI?.trim();
  if (minPrice) chain.minPriceWei = minPrice.toLowerCase() === "none" ? null : minPrice;
  if (Object.keys(chain).length) c.chain = chain as ServiceConfigInput["chain"];
  return c;
}

function fromFile(file: string): ServiceConfigInput {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`config file ${file}: ${(e as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ConfigError(`config file ${file}: must hold a JSON object`);
  const c = parsed as ServiceConfigInput;
  // Relative paths in a file are relative to the file, not to wherever the server was started.
  const dir = path.dirname(path.resolve(file));
  for (const k of ["dbPath", "modelsDir", "devPtauDir"] as const) if (typeof c[k] === "string") c[k] = path.resolve(dir, c[k] as string);
  if (Array.isArray(c.modelDirs)) c.modelDirs = c.modelDirs.map((d) => (typeof d === "string" ? path.resolve(dir, d) : d));
  return c;
}

/** Later layers win; http, grpc and chain merge field by field. */
export function mergeConfig(...layers: ServiceConfigInput[]): ServiceConfig {
  const out = { ...DEFAULT_CONFIG, http: { ...DEFAULT_CONFIG.http }, grpc: { ...DEFAULT_CONFIG.grpc }, chain: { ...DEFAULT_CONFIG.chain } } as ServiceConfig;
  for (const l of layers) {
    const { http, grpc, chain, ...rest } = l;
    for (const [k, v] of Object.entries(rest)) if (v !== undefined) (out as unknown as Record<string, unknown>)[k] = v;
    if (http) Object.assign(out.http, http);
    if (grpc) Object.assign(out.grpc, grpc);
    if (chain) for (const [k, v] of Object.entries(chain)) if (v !== undefined) (out.chain as unknown as Record<string, unknown>)[k] = v;
  }
  return out;
}

export interface LoadConfigOptions {
  /** Defaults to process.env. */
  env?: Env;
  /** JSON config file; defaults to env.ZKINFER_CONFIG. */
  file?: string;
  /** Applied last (tests, flags). */
  overrides?: ServiceConfigInput;
}

/**
 * @example
 *   const config = loadConfig();                         // defaults + ZKINFER_* variables
 *   const test = loadConfig({ env: {}, overrides: { poolThreads: 1 } });
 */
export function loadConfig(o: LoadConfigOptions = {}): ServiceConfig {
  const env = o.env ?? process.env;
  const file = o.file ?? env.ZKINFER_CONFIG;
  return validateConfig(mergeConfig(file ? fromFile(file) : {}, fromEnv(env), o.overrides ?? {}));
}

/** Defaults + overrides, validated; no file or environment (what createService does with a partial config). */
export function resolveConfig(input: ServiceConfigInput = {}): ServiceConfig {
  return validateConfig(mergeConfig(input));
}
