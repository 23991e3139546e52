/**
 * Test-only entry of a prover node process (`node --import tsx test/helpers/fleet-node.ts`),
 * options in $FLEET_NODE (JSON). Besides what `zkinfer prover` sets, it can shorten BullMQ's
 * lock and stalled check (so a killed node's job is recovered in seconds), hold each finished
 * proof a while before answering (so a test can kill the node mid-job), and corrupt its proofs
 * (a lying node). Those seams exist only here: no flag, variable or config key of zkinfer
 * reaches them.
 */
import { startProverNode } from "../../server/fleet/prover-node.ts";
import type { FleetResult } from "../../server/fleet/index.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";

interface Options {
  queue: string;
  queueName: string;
  name: string;
  gatewayUrl?: string;
  sharedDir?: string;
  cacheDir: string;
  threads?: number;
  lockMs?: number;
  stalledMs?: number;
  holdMs?: number;
  corrupt?: "output" | "proof" | "replay";
}

const o = JSON.parse(process.env.FLEET_NODE ?? "{}") as Options;
const log = {
  info: (m: string) => process.stderr.write(`info ${m}\n`),
  warn: (m: string) => process.stderr.write(`warn ${m}\n`),
  error: (m: string) => process.stderr.write(`error ${m}\n`),
};
let first: FleetResult | undefined;
const node = await startProverNode(
  {
    queue: o.queue, queueName: o.queueName, name: o.name, threads: o.threads ?? 1,
    artifacts: { gatewayUrl: o.gatewayUrl, sharedDir: o.sharedDir, cacheDir: o.cacheDir },
    lockMs: o.lockMs, stalledMs: o.stalledMs, log,
  },
  {
    async afterProve(r) {
      process.stderr.write(`proved ${r.publicSignals.length}\n`);
      if (o.holdMs) await new Promise((res) => setTimeout(res, o.holdMs));
      if (o.corrupt === "output") {
        // Claims another output: a valid-looking answer with the first public signal changed.
        return { ...r, publicSignals: r.publicSignals.map((s, i) => (i === 0 ? String((BigInt(s) + 1n) % 100n) : s)) };
      }
      // Answers every job with its first proof: valid under the key, but of another request.
      if (o.corrupt === "replay") return (first ??= r);
      if (o.corrupt === "proof") return { ...r, proof: { ...r.proof, pi_a: [r.proof.pi_c[0], r.proof.pi_c[1], "1"] } };
      return r;
    },
  },
);
process.stderr.write(`node ${node.name} up\n`);
const stop = async () => {
  await node.close();
  await terminateSnarkjsCurves();
  process.exit(0);
};
process.once("SIGTERM", stop);
process.once("SIGINT", stop);
