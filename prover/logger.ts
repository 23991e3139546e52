/**
 * The one logger type of zkinfer. Library functions take a `Logger` (console fits; only info is
 * required); the server's parts hold a `LevelledLogger` (every level present), made from any
 * Logger by `withLevels`. Fields are structured context a JSON-lines sink writes as keys; a
 * plain sink may ignore them. snarkjs' own logger shape is made by `snarkjsLogger`.
 *
 * @example
 *   await setupModel(dir, { log: console });
 *   const log = withLevels({ info: (m) => lines.push(m) }); log.error("x"); // goes to info
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn?(message: string, fields?: LogFields): void;
  error?(message: string, fields?: LogFields): void;
  debug?(message: string, fields?: LogFields): void;
}

/** A Logger whose info, warn and error are all present. */
export type LevelledLogger = Required<Pick<Logger, "info" | "warn" | "error">> & Pick<Logger, "debug">;

export const silentLogger: LevelledLogger = { info() {}, warn() {}, error() {} };

/** Fills in a logger's missing levels: error falls back to warn, warn to info. */
export function withLevels(log: Logger): LevelledLogger {
  const warn = log.warn ? log.warn.bind(log) : log.info.bind(log);
  return { info: log.info.bind(log), warn, error: log.error ? log.error.bind(log) : warn, debug: log.debug?.bind(log) };
}

/** snarkjs calls debug/info/warn/error; only info and above are passed on. */
export function snarkjsLogger(log: Logger) {
  const l = withLevels(log);
  return {
    debug: (_message: string) => {},
    info: (m: string) => l.info(m),
    warn: (m: string) => l.warn(m),
    error: (m: string) => l.error(m),
  };
}
