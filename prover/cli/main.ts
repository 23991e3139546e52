/**
 * The zkinfer command line: reads argv, files and the environment; everything else is in
 * prover/. Exit codes: 0 success, 1 invalid proof, 2 usage or input error, 3 other failure.
 */
import { parse, UsageError, type Command } from "./args.ts";
import { compile } from "./compile.ts";
import { importCommand } from "./import.ts";
import { setup } from "./setup.ts";
import { ceremony } from "./ceremony.ts";
import { prove } from "./prove.ts";
import { verify } from "./verify.ts";
import { exportVerifier } from "./export-verifier.ts";
import { deploy } from "./deploy.ts";
import { settle } from "./settle.ts";
import { ops } from "./ops.ts";
import { serve } from "./serve.ts";
import { ProverError } from "../errors.ts";
import { terminateSnarkjsCurves } from "../snarkjs.ts";

const COMMANDS: Command[] = [importCommand, compile, setup, ceremony, prove, verify, exportVerifier, deploy, settle, ops, serve];

const HELP = `zkinfer: verifiable inference with zk-SNARKs

usage: zkinfer <command> [options]   (zkinfer <command> --help for its options)

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(16)} ${c.summary}`).join("\n")}

A typical run:  zkinfer setup digits-mlp && zkinfer prove digits-mlp --input '[0,0,5,...]' --out p.json && zkinfer verify digits-mlp --proof p.json
Your own model: zkinfer import net.onnx --calibration train.csv --test test.csv --label-column label --out ./net
                && zkinfer prove ./net --float --input x.json --out p.json && zkinfer verify ./net --proof p.json
`;

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(HELP);
    return name ? 0 : 2;
  }
  const cmd = COMMANDS.find((c) => c.name === name);
  if (!cmd) {
    process.stderr.write(`zkinfer: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}\n`);
    return 2;
  }
  try {
    const { values, positionals } = parse(cmd, rest);
    if (values.help) {
      process.stdout.write(`${cmd.usage}\n`);
      return 0;
    }
    return await cmd.run(positionals, values);
  } catch (e) {
    const err = e as Error;
    process.stderr.write(`zkinfer ${name}: ${err.message}\n`);
    return err instanceof UsageError || err instanceof ProverError ? 2 : 3;
  } finally {
    await terminateSnarkjsCurves();
  }
}

process.exitCode = await main(process.argv.slice(2));
