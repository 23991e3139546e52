/** `zkinfer prover`: a prover node of the fleet, pulling proof jobs from the gateway's BullMQ queue until stopped. */
import os from "node:os";
import path from "node:path";
import { UsageError, progress, type Command } from "./args.ts";
import { fleetFlags } from "./fleet-flags.ts";

export const prover: Command = {
  name: "prover",
  usage: `usage: zkinfer prover --queue redis://host:port (--gateway <url> | --artifacts <dir>) [--threads <n>] [--name <node>] [--cache <dir>] [--queue-name <name>]

  Runs a prover node: a BullMQ worker with its own pool of prover threads, one job per thread,
  for the gateway started with the same --queue (zkinfer serve --queue ...). Model artifacts
  (circuit wasm, proving key) are fetched by content hash and checked before use. Stops on
  SIGINT/SIGTERM after its running proofs.

  --queue       the Redis URL of the queue (ZKINFER_QUEUE)
  --gateway     the gateway's HTTP URL to fetch artifacts from (ZKINFER_GATEWAY); with API keys
                on, the key in ZKINFER_API_KEY
  --artifacts   a shared folder with the artifacts named by their sha256 (instead of, or before, --gateway)
  --threads     prover threads (default: cores - 1, at least 1)
  --name        the node's name in metrics and fleet status (default host-pid)
  --cache       where fetched artifacts are kept (default <data dir>/artifacts)
  --queue-name  the BullMQ queue (ZKINFER_QUEUE_NAME; default zkinfer-proofs)`,
  options: {
    queue: { type: "string" },
    gateway: { type: "string" },
    artifacts: { type: "string" },
    threads: { type: "string" },
    name: { type: "string" },
    cache: { type: "string" },
    "queue-name": { type: "string" },
  },
  async run(positionals, values) {
    if (positionals.length) throw new UsageError(`prover takes no positional arguments (got ${positionals.join(" ")})`);
    const { queue, queueName } = await fleetFlags(values);
    const gatewayUrl = (values.gateway as string | undefined) ?? process.env.ZKINFER_GATEWAY;
    if (gatewayUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(gatewayUrl)) throw new UsageError(`--gateway must be an http(s):// URL (got ${JSON.stringify(gatewayUrl)})`);
    const sharedDir = values.artifacts as string | undefined;
    if (!gatewayUrl && !sharedDir) throw new UsageError("--gateway or --artifacts is required: where the node fetches model artifacts from");
    const t = values.threads as string | undefined;
    if (t !== undefined && !/^[1-9]\d{0,3}$/.test(t)) throw new UsageError(`--threads must be a positive integer (got ${JSON.stringify(t)})`);
    const threads = t ? Number(t) : Math.max(1, (os.availableParallelism?.() ?? os.cpus().length) - 1);
    const { defaultPaths } = await import("../prover/paths.ts");
    const cacheDir = path.resolve((values.cache as string | undefined) ?? path.join(defaultPaths().dataDir, "artifacts"));
    const { startProverNode } = await import("../server/fleet/prover-node.ts");
    const node = await startProverNode({
      queue, queueName, threads, name: values.name as string | undefined,
      artifacts: { gatewayUrl, apiKey: process.env.ZKINFER_API_KEY || undefined, sharedDir: sharedDir && path.resolve(sharedDir), cacheDir },
      log: progress,
    });
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
    });
    progress.info(`prover node ${node.name}: stopping after its running proofs`);
    await node.close();
    return 0;
  },
};
