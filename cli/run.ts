/**
 * The zkinfer command line: reads argv, files and the environment; everything else is in
 * prover/. Exit codes (exit-codes.ts): 0 success, 1 invalid proof, 2 usage or input error
 * (naming the flag), 3 other failure.
 */
import { parse, type Command } from "./args.ts";
import { exitFor } from "./exit-codes.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";

/**
 * Each command's module is loaded only when it runs: loading all of them (snarkjs, ethers,
 * onnxruntime, the compiler) costs a second or two of CPU at every start.
 */
const COMMANDS: { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: "import", summary: "float ONNX + calibration data → quantized, compiled, set-up model folder", load: async () => (await import("./import.ts")).importCommand },
  { name: "compile", summary: "compile an integer ONNX model to a circom circuit and a manifest", load: async () => (await import("./compile.ts")).compile },
  { name: "setup", summary: "Groth16 setup (development ptau, or a ceremony file checked against its published hash)", load: async () => (await import("./setup.ts")).setup },
  { name: "ceremony", summary: "a phase-2 trusted-setup ceremony: init, contribute, verify, finalize", load: async () => (await import("./ceremony.ts")).ceremony },
  { name: "prove", summary: "run the model on an input and prove the output", load: async () => (await import("./prove.ts")).prove },
  { name: "verify", summary: "verify a proof in JavaScript", load: async () => (await import("./verify.ts")).verify },
  { name: "commit", summary: "the input commitment of an input (locally or from a --gateway), without proving", load: async () => (await import("./commit.ts")).commit },
  { name: "export-verifier", summary: "write the Solidity verifier of a model's verifying key", load: async () => (await import("./export-verifier.ts")).exportVerifier },
  { name: "deploy", summary: "deploy a model's verifier and register it (and the contracts)", load: async () => (await import("./deploy.ts")).deploy },
  { name: "settle", summary: "settle an escrow request with a proof file", load: async () => (await import("./settle.ts")).settle },
  { name: "request", summary: "escrow requests: open (input commitment computed here), status, refund", load: async () => (await import("./request.ts")).request },
  { name: "oracle", summary: "oracle feeds: submit a proof file, read the latest value and its age", load: async () => (await import("./oracle.ts")).oracle },
  { name: "ops", summary: "list the supported ONNX ops and their constraint cost", load: async () => (await import("./ops.ts")).ops },
  { name: "serve", summary: "start the HTTP/gRPC gateway (as npm start) on the examples plus --models folders", load: async () => (await import("./serve.ts")).serve },
  { name: "prover", summary: "run a prover node of the fleet (BullMQ on Redis) for a gateway started with --queue", load: async () => (await import("./prover.ts")).prover },
  { name: "fleet", summary: "fleet status (the prover nodes and the queue), fleet export (a model's artifacts by hash)", load: async () => (await import("./fleet.ts")).fleet },
];

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
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    process.stderr.write(`zkinfer: unknown command "${name}"; commands: ${COMMANDS.map((c) => c.name).join(", ")}\n`);
    return 2;
  }
  let cmd: Command | undefined;
  try {
    cmd = await entry.load();
    const { values, positionals } = parse(cmd, rest);
    if (values.help) {
      process.stdout.write(`${cmd.usage}\n`);
      return 0;
    }
    return await cmd.run(positionals, values);
  } catch (e) {
    const { code, message } = exitFor(e, cmd?.options);
    process.stderr.write(`zkinfer ${name}: ${message}\n`);
    return code;
  } finally {
    await terminateSnarkjsCurves();
  }
}
