/** The logger prover/ accepts (console fits), and the adapter snarkjs' logger needs. */
export interface Logger {
  info(message: string): void;
  warn?(message: string): void;
  debug?(message: string): void;
}

export const silentLogger: Logger = { info() {} };

/** snarkjs calls debug/info/warn/error; only info and above are passed on. */
export function snarkjsLogger(log: Logger) {
  return {
    debug: () => {},
    info: (m: string) => log.info(m),
    warn: (m: string) => (log.warn ?? log.info)(m),
    error: (m: string) => (log.warn ?? log.info)(m),
  };
}
