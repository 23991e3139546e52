/** The logger the service takes (console fits); the default writes one line per event to stdout. */
export interface ServiceLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const line = (level: string) => (message: string) => process.stdout.write(`${new Date().toISOString()} ${level} ${message}\n`);

export const stdoutLogger: ServiceLogger = { info: line("info"), warn: line("warn"), error: line("error") };
export const silentServiceLogger: ServiceLogger = { info() {}, warn() {}, error() {} };
