/** Argument parsing shared by the CLI commands: node's parseArgs with errors that name the option. */
import { streamLogger } from "../prover/log-format.ts";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { existsSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";

export class UsageError extends Error {
  override name = "UsageError";
}

export interface Command {
  name: string;
  usage: string;
  options: NonNullable<ParseArgsConfig["options"]>;
  run(positionals: string[], values: Record<string, string | boolean | undefined>): Promise<number>;
}

export function parse(cmd: Command, argv: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: { ...cmd.options, help: { type: "boolean", short: "h" } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Record<string, string | boolean | undefined>, positionals };
  } catch (e) {
    throw new UsageError(`${cmd.name}: ${(e as Error).message}\n\n${cmd.usage}`);
  }
}

export function needFile(what: string, p: string | undefined): string {
  if (!p) throw new UsageError(`missing ${what}`);
  if (!existsSync(p)) throw new UsageError(`${what}: file ${p} does not exist`);
  return p;
}

/**
 * Progress lines go to stderr, so stdout stays the command's result; they are log lines in
 * zkinfer's one format (prover/log-format.ts: JSON lines unless stderr is a terminal). A
 * failure's own message (cli/run.ts) stays one plain line: it is the command's answer.
 */
export const progress = streamLogger(process.stderr, { base: { component: "cli" } });

/** Checks, before any work, that `p` (given with `flag`) can be written: its folder exists and it is not a folder. */
export function outputTarget(flag: string, p: string): string {
  const dir = path.dirname(path.resolve(p));
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`${flag}: folder ${dir} does not exist (for ${p})`);
  if (existsSync(p) && statSync(p).isDirectory()) throw new UsageError(`${flag}: ${p} is a folder, not a file`);
  return p;
}

/** Writes a file the caller named with `flag`; a failure names the flag. */
export function writeOutput(flag: string, p: string, text: string, mode?: number): void {
  try {
    writeFileSync(p, text, mode === undefined ? undefined : { mode });
  } catch (e) {
    throw new UsageError(`${flag}: cannot write ${p} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}
