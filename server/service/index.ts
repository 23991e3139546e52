/**
 * The service core's facade: createService and the types the edges use.
 *
 * @example
 *   import { createService } from "./server/service/index.ts";
 *   import { loadConfig } from "./server/config/index.ts";
 *   const service = await createService(loadConfig());
 */
export { createService, type Service, type CreateServiceOptions } from "./service.ts";
export { stdoutLogger, silentServiceLogger, type ServiceLogger } from "../core/logger.ts";
export * from "../core/types.ts";
export { loadConfig, resolveConfig, DEFAULT_CONFIG, ConfigError, type ServiceConfig, type ServiceConfigInput } from "../config/index.ts";
