/**
 * Validation of a merged config, piscina-style: each check names the option it rejects
 * ("options.poolThreads must be a positive integer"), so a bad file or environment variable
 * stops the start with a message that says what to fix.
 */
import { DEFAULT_CONFIG, type ServiceConfig } from "./defaults.ts";
import { validatePrices } from "./validate-prices.ts";

export class ConfigError extends Error {
  override name = "ConfigError";
}

const fail = (msg: string): never => {
  throw new ConfigError(`options.${msg}`);
};

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);

function positiveInt(name: string, v: unknown): void {
  if (!isInt(v) || v < 1) fail(`${name} must be a positive integer (got ${JSON.stringify(v)})`);
}

function nonNegativeInt(name: string, v: unknown): void {
  if (!isInt(v) || v < 0) fail(`${name} must be a non-negative integer (got ${JSON.stringify(v)})`);
}

function port(name: string, v: unknown): void {
  if (!isInt(v) || v < 0 || v > 65535) fail(`${name} must be an integer port in 0..65535 (got ${JSON.stringify(v)})`);
}

function nonEmptyString(name: string, v: unknown): void {
  if (typeof v !== "string" || v.length === 0) fail(`${name} must be a non-empty string (got ${JSON.stringify(v)})`);
}

function stringList(name: string, v: unknown, allowEmpty: boolean): void {
  if (!Array.isArray(v)) return fail(`${name} must be an array of strings (got ${JSON.stringify(v)})`);
  if (!allowEmpty && v.length === 0) fail(`${name} must not be empty`);
  v.forEach((s, i) => nonEmptyString(`${name}[${i}]`, s));
}

const KNOWN_KEYS = new Set(["http", "grpc", "bodyLimitBytes", "apiKeys", "rateLimitPerMinute", "dbPath", "modelsDir", "modelDirs", "models", "maxAutoConstraints", "poolThreads", "queueLimit", "executionProviders", "devPtauDir", "shutdownTimeoutMs", "maxAttempts", "queue", "queueName", "chain"]);
const CHAIN_KEYS = new Set(Object.keys(DEFAULT_CONFIG.chain));
const CHAIN_MODES = ["local", "external", "off"];
const PROVIDERS = new Set(["cpu", "cuda", "tensorrt", "dml", "coreml", "webgpu"]);

/** Throws ConfigError naming the first bad option; returns the config unchanged otherwise. */
export function validateConfig(c: ServiceConfig): ServiceConfig {
  for (const k of Object.keys(c)) if (!KNOWN_KEYS.has(k)) fail(`${k} is not a known option`);
  if (typeof c.http !== "object" || c.http === null) fail("http must be an object { host, port }");
  nonEmptyString("http.host", c.http.host);
  port("http.port", c.http.port);
  if (typeof c.grpc !== "object" || c.grpc === null) fail("grpc must be an object { host, port }");
  nonEmptyString("grpc.host", c.grpc.host);
  port("grpc.port", c.grpc.port);
  positiveInt("bodyLimitBytes", c.bodyLimitBytes);
  stringList("apiKeys", c.apiKeys, true);
  nonNegativeInt("rateLimitPerMinute", c.rateLimitPerMinute);
  nonEmptyString("dbPath", c.dbPath);
  nonEmptyString("modelsDir", c.modelsDir);
  stringList("modelDirs", c.modelDirs, true);
  if (c.models !== "all") stringList("models", c.models, false);
  positiveInt("poolThreads", c.poolThreads);
  positiveInt("queueLimit", c.queueLimit);
  positiveInt("maxAutoConstraints", c.maxAutoConstraints);
  stringList("executionProviders", c.executionProviders, false);
  c.executionProviders.forEach((p, i) => {
    if (!PROVIDERS.has(p)) fail(`executionProviders[${i}] must be one of ${[...PROVIDERS].join(", ")} (got ${JSON.stringify(p)})`);
  });
  nonEmptyString("devPtauDir", c.devPtauDir);
  nonNegativeInt("shutdownTimeoutMs", c.shutdownTimeoutMs);
  positiveInt("maxAttempts", c.maxAttempts);
  if (typeof c.queue !== "string") fail(`queue must be a string, a redis:// URL or "" (got ${JSON.stringify(c.queue)})`);
  if (c.queue !== "") {
    const why = redisUrlProblem(c.queue);
    if (why) fail(`queue must be a redis://host:port URL (${why})`);
  }
  nonEmptyString("queueName", c.queueName);
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(c.queueName)) fail(`queueName must be 1-64 letters, digits, - or _ (got ${JSON.stringify(c.queueName)})`);
  validateChain(c.chain);
  return c;
}

/**
 * Why a queue URL is not a usable Redis URL, or undefined. The URL is never echoed whole: its
 * password would land in logs.
 */
export function redisUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "not a URL";
  }
  if (u.protocol !== "redis:" && u.protocol !== "rediss:") return `scheme ${JSON.stringify(u.protocol)}, expected redis: or rediss:`;
  if (!u.hostname) return "no host";
  if (u.port !== "" && !(Number(u.port) >= 1 && Number(u.port) <= 65535)) return `port ${u.port} out of range`;
  if (u.pathname !== "" && u.pathname !== "/" && !/^\/\d{1,2}$/.test(u.pathname)) return `path ${JSON.stringify(u.pathname)}, expected a database number like /0`;
  return undefined;
}

/** chain.*: in "external" mode the endpoint, key and escrow are required; elsewhere optional but well-formed. */
function validateChain(ch: ServiceConfig["chain"]): void {
  if (typeof ch !== "object" || ch === null) return fail("chain must be an object { mode, rpcUrl, privateKey, escrow, ... }");
  for (const k of Object.keys(ch)) if (!CHAIN_KEYS.has(k)) fail(`chain.${k} is not a known option`);
  if (!CHAIN_MODES.includes(ch.mode)) fail(`chain.mode must be one of ${CHAIN_MODES.join(", ")} (got ${JSON.stringify(ch.mode)})`);
  const external = ch.mode === "external";
  for (const [k, v] of [["rpcUrl", ch.rpcUrl], ["privateKey", ch.privateKey], ["escrow", ch.escrow]] as const) {
    if (typeof v !== "string") fail(`chain.${k} must be a string (got ${JSON.stringify(v)})`);
    if (external && v === "") fail(`chain.${k} is required when chain.mode is "external"`);
  }
  if (ch.rpcUrl !== "") {
    let ok = false;
    try { ok = ["http:", "https:", "ws:", "wss:"].includes(new URL(ch.rpcUrl).protocol); } catch { /* not a URL */ }
    if (!ok) fail(`chain.rpcUrl must be an http(s):// or ws(s):// URL (got ${JSON.stringify(ch.rpcUrl)})`);
  }
  // Never echo a key: a typo'd one is still a secret.
  if (ch.privateKey !== "" && !/^0x[0-9a-fA-F]{64}$/.test(ch.privateKey)) fail(`chain.privateKey must be 0x followed by 64 hex digits (got ${ch.privateKey.length} characters)`);
  if (ch.escrow !== "" && !/^0x[0-9a-fA-F]{40}$/.test(ch.escrow)) fail(`chain.escrow must be an address, 0x followed by 40 hex digits (got ${JSON.stringify(ch.escrow)})`);
  if (typeof ch.oracle !== "string" || (ch.oracle !== "" && !/^0x[0-9a-fA-F]{40}$/.test(ch.oracle))) fail(`chain.oracle (ZKINFER_CHAIN_ORACLE) must be a ProvenOracle address, 0x followed by 40 hex digits, or "" for none (got ${JSON.stringify(ch.oracle)})`);
  if (typeof ch.registerModels !== "boolean") fail(`chain.registerModels must be a boolean (got ${JSON.stringify(ch.registerModels)})`);
  positiveInt("chain.settleAttempts", ch.settleAttempts);
  nonNegativeInt("chain.retryBaseMs", ch.retryBaseMs);
  nonNegativeInt("chain.retryMaxMs", ch.retryMaxMs);
  positiveInt("chain.receiptTimeoutMs", ch.receiptTimeoutMs);
  validatePrices(ch, fail);
}
