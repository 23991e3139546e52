/**
 * `zkinfer ops`: the ONNX ops the circuit compiler supports (in integer graphs), sorted, each
 * with its cost in constraints as a formula in the element count n and bit widths.
 */
import { OPS } from "../prover/ops/index.ts";
import { UsageError, type Command } from "./args.ts";

export interface OpCost {
  op: string;
  cost: string;
}

/** Internal ops (zkinfer.*) are made by the compiler's own passes, not given by users. */
export function supportedOps(): OpCost[] {
  return [...OPS.values()]
    .filter((m) => !m.opType.startsWith("zkinfer."))
    .map((m) => ({ op: m.opType, cost: m.cost ?? "not stated" }))
    .sort((a, b) => (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
}

export const ops: Command = {
  name: "ops",
  usage: `usage: zkinfer ops [--json]

  Lists every op of an integer ONNX graph the circuit compiler supports, sorted, with the
  constraints it costs: n is the op's element count, B the bit width its value bounds need.
  "0": the op is linear or only rewires (permutes, selects, repeats) the values.
  --json  machine output: [{ "op": ..., "cost": ... }, ...]`,
  options: { json: { type: "boolean" } },
  async run(positionals, v) {
    if (positionals.length) throw new UsageError(`ops takes no arguments, got ${positionals.join(" ")}`);
    const list = supportedOps();
    if (v.json) {
      process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
      return 0;
    }
    const w = Math.max(...list.map((o) => o.op.length));
    process.stdout.write(`${list.map((o) => `${o.op.padEnd(w)}  ${o.cost}`).join("\n")}\n`);
    return 0;
  },
};
