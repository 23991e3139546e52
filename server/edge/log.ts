/**
 * Structured logs of the edges: one line per request (HTTP) or call (gRPC), always with the
 * request id, in zkinfer's one format (prover/log-format.ts: JSON lines unless stdout is a
 * terminal). The sink is injectable so tests can capture or mute it; a sink given by the caller
 * gets JSON lines.
 */
import type { LevelledLogger } from "../../prover/logger.ts";
import { formatLogLine, logFormatFor, type LogFormat } from "../../prover/log-format.ts";

export type LogSink = (line: string) => void;

/** zkinfer's one logger type with every level (prover/logger.ts); here the fields become JSON keys. */
export type EdgeLogger = LevelledLogger;

export const stdoutSink: LogSink = (line) => process.stdout.write(`${line}\n`);
export const silentSink: LogSink = () => {};

export function createLogger(sink: LogSink = stdoutSink, base: Record<string, unknown> = {}, format?: LogFormat): EdgeLogger {
  const f = format ?? (sink === stdoutSink ? logFormatFor(process.stdout) : "json");
  const emit = (level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) =>
    sink(formatLogLine(f, level, msg, { ...base, ...fields }));
  return {
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
  };
}

/** A caller's x-request-id is echoed only if it is short and printable; otherwise a new one is made. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdFrom(incoming: string | undefined | null): string {
  return incoming && REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
}
