/** The logger the service takes (console fits): zkinfer's one logger type with every level (prover/logger.ts); the default writes one line per event to stdout. */
import type { LevelledLogger } from "../../prover/logger.ts";

export type ServiceLogger = LevelledLogger;

const line = (level: string) => (message: string) => process.stdout.write(`${new Date().toISOString()} ${level} ${message}\n`);

export const stdoutLogger: ServiceLogger = { info: line("info"), warn: line("warn"), error: line("error") };
export const silentServiceLogger: ServiceLogger = { info() {}, warn() {}, error() {} };
