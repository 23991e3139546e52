/**
 * zkinfer's one log format, for the server and the CLI alike: JSON lines when the stream is not
 * a terminal (CI, a pipe, a log collector: one object per line with time, level, msg and the
 * fields as keys), readable lines on a terminal (`14:02:11 info  setup done in 3.1 s key=value`).
 * ZKINFER_LOG_FORMAT=json|text overrides the choice. snarkjs' own messages reach it only through
 * snarkjsLogger (prover/logger.ts), which drops snarkjs' debug chatter.
 *
 * @example
 *   const log = streamLogger(process.stderr, { base: { component: "cli" } });
 *   log.info("setup done", { seconds: 3.1 }); // {"time":"…","level":"info","msg":"setup done","component":"cli","seconds":3.1}
 */
import type { LevelledLogger, LogFields } from "./logger.ts";

export type LogFormat = "json" | "text";
export type LogLevel = "debug" | "info" | "warn" | "error";

/** The environment variable that forces a format. */
export const LOG_FORMAT_ENV = "ZKINFER_LOG_FORMAT";

/** JSON lines unless `stream` is a terminal; $ZKINFER_LOG_FORMAT (json or text) wins. */
export function logFormatFor(stream: { isTTY?: boolean }, env: Record<string, string | undefined> = process.env): LogFormat {
  const forced = env[LOG_FORMAT_ENV]?.trim().toLowerCase();
  if (forced === "json" || forced === "text") return forced;
  return stream.isTTY === true ? "text" : "json";
}

const textValue = (v: unknown): string => {
  const s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  return /^[^\s"=]+$/.test(s) ? s : JSON.stringify(s);
};

/** One log line (without its newline). */
export function formatLogLine(format: LogFormat, level: LogLevel, msg: string, fields: LogFields = {}, time: Date = new Date()): string {
  if (format === "json") return JSON.stringify({ time: time.toISOString(), level, msg, ...fields });
  const extra = Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => ` ${k}=${textValue(v)}`).join("");
  return `${time.toISOString().slice(11, 19)} ${level.padEnd(5)} ${msg}${extra}`;
}

export interface StreamLoggerOptions {
  /** Defaults to logFormatFor(stream). */
  format?: LogFormat;
  /** Fields on every line (e.g. { component: "service" }). */
  base?: LogFields;
  /** Also write debug lines (off by default). */
  debug?: boolean;
}

/** A logger writing one line per event to `stream` in zkinfer's format. */
export function streamLogger(stream: { write(s: string): unknown; isTTY?: boolean }, o: StreamLoggerOptions = {}): LevelledLogger {
  const format = o.format ?? logFormatFor(stream);
  const emit = (level: LogLevel) => (msg: string, fields?: LogFields) => {
    stream.write(`${formatLogLine(format, level, msg, { ...o.base, ...fields })}\n`);
  };
  return { info: emit("info"), warn: emit("warn"), error: emit("error"), debug: o.debug ? emit("debug") : undefined };
}
