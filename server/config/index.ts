/** Facade of the service configuration: defaults, loading (file + environment), validation. */
export { DEFAULT_CONFIG, type ServiceConfig, type ServiceConfigInput, type ChainConfig, type TokenPrice, type ModelPrice } from "./defaults.ts";
export { loadConfig, resolveConfig, mergeConfig, type LoadConfigOptions } from "./load.ts";
export { ConfigError, validateConfig, redisUrlProblem } from "./validate.ts";
