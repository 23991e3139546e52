/** Argument parsing shared by the CLI commands: node's parseArgs with errors that name the option. */
import { parseArgs, type ParseArgsConfig } from "node:util";
import { existsSync } from "node:fs";

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

/** Progress lines go to stderr, so stdout stays the command's result. */
export const progress = { info: (m: string) => process.stderr.write(`${m}\n`) };
