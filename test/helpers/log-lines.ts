/**
 * zkinfer writes JSON log lines when its output is not a terminal (prover/log-format.ts), as in
 * every test that runs the CLI or the gateway as a child process. `readableLog` turns each such
 * line back into its message, so assertions read what a user on a terminal reads; lines that
 * are not JSON log lines (a failure's plain message) are kept as they are.
 */
export function readableLog(text: string): string {
  return text
    .split("\n")
    .map((line) => {
      if (!line.startsWith("{")) return line;
      try {
        const o = JSON.parse(line) as { msg?: unknown; level?: unknown; time?: unknown };
        return typeof o.msg === "string" && typeof o.level === "string" && typeof o.time === "string" ? o.msg : line;
      } catch {
        return line;
      }
    })
    .join("\n");
}
