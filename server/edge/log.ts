/**
 * Structured logs of the edges: one JSON object per line, one line per request (HTTP) or call
 * (gRPC), always with the request id. The sink is injectable so tests can capture or mute it.
 */
import type { LevelledLogger } from "../../prover/logger.ts";

export type LogSink = (line: string) => void;

/** zkinfer's one logger type with every level (prover/logger.ts); here the fields become JSON keys. */
export type EdgeLogger = LevelledLogger;

export const stdoutSink: LogSink = (line) => process.stdout.write(`${line}\n`);
export const silentSink: LogSink = () => {};

export function createLogger(sink: LogSink = stdoutSink, base: Record<string, unknown> = {}): EdgeLogger {
  const emit = (level: string, msg: string, fields?: Record<string, unknown>) =>
    sink(JSON.stringify({ time: new Date().toISOString(), level, msg, ...base, ...fields }));
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
