/** `zkinfer fleet status`: the prover nodes connected to a queue and its jobs per state. */
import { UsageError, progress, type Command } from "./args.ts";
import { fleetFlags } from "./fleet-flags.ts";

export const fleet: Command = {
  name: "fleet",
  usage: `usage: zkinfer fleet status --queue redis://host:port [--queue-name <name>] [--json]

  Prints the prover nodes connected to the queue (as each names itself), the queue's jobs per
  state, and per node the proofs the gateways accepted and rejected and the jobs it failed.`,
  options: {
    queue: { type: "string" },
    "queue-name": { type: "string" },
    json: { type: "boolean" },
  },
  async run(positionals, values) {
    if (positionals.length !== 1 || positionals[0] !== "status") throw new UsageError(`fleet: expected the subcommand "status" (got ${positionals.join(" ") || "none"})`);
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
