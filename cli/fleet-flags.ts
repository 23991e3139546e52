/** The flags every fleet command shares: --queue (ZKINFER_QUEUE) and --queue-name, checked as the gateway's config checks them. */
import { UsageError } from "./args.ts";

export async function fleetFlags(values: Record<string, string | boolean | undefined>): Promise<{ queue: string; queueName: string }> {
  const { DEFAULT_CONFIG, redisUrlProblem } = await import("../server/config/index.ts");
  const queue = (values.queue as string | undefined) ?? process.env.ZKINFER_QUEUE;
  if (!queue) throw new UsageError("--queue redis://host:port is required (or ZKINFER_QUEUE)");
  const why = redisUrlProblem(queue);
  if (why) throw new UsageError(`--queue must be a redis://host:port URL (${why})`);
  const queueName = (values["queue-name"] as string | undefined) ?? process.env.ZKINFER_QUEUE_NAME ?? DEFAULT_CONFIG.queueName;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(queueName)) throw new UsageError(`--queue-name must be 1-64 letters, digits, - or _ (got ${JSON.stringify(queueName)})`);
  return { queue, queueName };
}
