/** The logger the service takes (console fits): zkinfer's one logger type with every level (prover/logger.ts); the default writes zkinfer's one format to stdout (prover/log-format.ts). */
import type { LevelledLogger } from "../../prover/logger.ts";
import { streamLogger } from "../../prover/log-format.ts";

export type ServiceLogger = LevelledLogger;

export const stdoutLogger: ServiceLogger = streamLogger(process.stdout, { base: { component: "service" } });
export const silentServiceLogger: ServiceLogger = { info() {}, warn() {}, error() {} };
