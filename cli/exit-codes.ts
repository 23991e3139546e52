/**
 * The CLI's exit codes and the one mapping of an error to them (hono's app.onError, for argv):
 *   0 ok, 1 invalid proof (verify), 2 usage or input error, 3 other failure.
 * A bad value is the caller's to fix (2) and its message starts with the flag that carried it;
 * anything else (a bug, a crash of snarkjs, a file-system error on our own files) is 3. Files
 * the caller names are checked or written through args.ts (needFile, writeOutput), which name
 * the flag.
 */
import { UsageError } from "./args.ts";
import { ProverError } from "../prover/errors.ts";
import { PtauError } from "../prover/ptau/errors.ts";

export const EXIT = { ok: 0, invalidProof: 1, usage: 2, failure: 3 } as const;

/**
 * The flag a library's field stands for: "--input[3]" stays; a library option ("beacon",
 * "inputSalt") becomes the command's flag of that name ("--beacon", "--input-salt") when the
 * command has one.
 */
export function flagOf(field: string, options: Record<string, unknown> = {}): string | undefined {
  if (field.startsWith("--") || field.startsWith("<")) return field;
  const kebab = field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const root = kebab.match(/^[a-z0-9-]+/)?.[0];
  return root && root in options ? `--${kebab}` : undefined;
}

/** Exit code and the message to print for an error that reached the CLI. */
export function exitFor(e: unknown, options: Record<string, unknown> = {}): { code: 2 | 3; message: string } {
  const err = e instanceof Error ? e : new Error(String(e));
  if (err instanceof UsageError) return { code: EXIT.usage, message: err.message };
  if (err instanceof ProverError) {
    if (err.internal) return { code: EXIT.failure, message: err.message };
    const flag = err.field === undefined ? undefined : flagOf(err.field, options);
    const message = flag && !err.message.startsWith(flag) ? `${flag}: ${err.message.replace(new RegExp(`^${escape(err.field!)}: `), "")}` : err.message;
    return { code: EXIT.usage, message };
  }
  // A ptau file the caller gave (--ptau) that is not one, or not the published one.
  if (err instanceof PtauError) return { code: EXIT.usage, message: err.message };
  return { code: EXIT.failure, message: err.message };
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
