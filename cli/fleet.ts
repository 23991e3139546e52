/**
 * `zkinfer fleet status`: the prover nodes connected to a queue and its jobs per state.
 * `zkinfer fleet export <model> --out <dir>`: a model's artifacts named by sha256, for nodes
 * started with --artifacts <dir> (a shared folder instead of fetching from the gateway).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { UsageError, progress, type Command } from "./args.ts";
import { fleetFlags } from "./fleet-flags.ts";

async function exportArtifacts(model: string | undefined, out: string | undefined): Promise<number> {
  if (!model) throw new UsageError("fleet export: missing <model> (a name of the examples or a model folder)");
  if (!out) throw new UsageError("fleet export: --out <dir> is required");
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`--out: ${out} is not a folder`);
  const { openModelDir } = await import("../prover/model-dir.ts");
  const { prepareModel } = await import("../prover/prepare-model.ts");
  const m = openModelDir(model);
  const { build, setup } = await prepareModel(m, { setup: "existing", log: progress });
  mkdirSync(out, { recursive: true });
  const files: [string, string][] = [["wasm", build.wasm], ["zkey", setup.zkeyPath], ["onnx", m.onnxPath]];
  for (const [kind, file] of files) {
    const sha = createHash("sha256").update(readFileSync(file)).digest("hex");
    copyFileSync(file, path.join(out, sha));
    process.stdout.write(`${kind} ${sha}\n`);
  }
  return 0;
}

export const fleet: Command = {
  name: "fleet",
  usage: `usage: zkinfer fleet status --queue redis://host:port [--queue-name <name>] [--json]
       zkinfer fleet export <model> --out <dir>

  Prints the prover nodes connected to the queue (as each names itself), the queue's jobs per
  state, and per node the proofs the gateways accepted and rejected and the jobs it failed.
  export copies a model's circuit wasm, proving key and integer ONNX into <dir>, each named by
  its sha256, for nodes started with --artifacts <dir> (they check every hash before use).`,
  options: {
    queue: { type: "string" },
    "queue-name": { type: "string" },
    json: { type: "boolean" },
    out: { type: "string" },
  },
  async run(positionals, values) {
    if (positionals[0] === "export" && positionals.length <= 2) return exportArtifacts(positionals[1], values.out as string | undefined);
    if (positionals.length !== 1 || positionals[0] !== "status") throw new UsageError(`fleet: expected the subcommand "status" or "export <model>" (got ${positionals.join(" ") || "none"})`);
    const { queue, queueName } = await fleetFlags(values);
    const { fleetStatus, formatFleetStatus } = await import("../server/fleet/status.ts");
    // An unreachable Redis: a clear error after a few seconds, not a hang.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`Redis at --queue did not answer within 10 s`)), 10_000)));
    try {
      const s = await Promise.race([fleetStatus(queue, queueName, { info: () => {}, warn: (m) => progress.warn(m) }), timeout]);
      process.stdout.write(values.json ? `${JSON.stringify(s, null, 2)}\n` : formatFleetStatus(s));
      return 0;
    } finally {
      clearTimeout(timer);
    }
  },
};
