/**
 * `zkinfer ops`: every supported op, sorted, with its cost formula; --json for machines. The
 * listings run in this process (cli/run.ts main), the refusal as a child process (bin/zkinfer.js).
 */
import { describe, expect, it } from "vitest";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";
import { OPS } from "../prover/ops/index.ts";

const userOps = [...OPS.keys()].filter((k) => !k.startsWith("zkinfer.")).sort();

describe("zkinfer ops", () => {
  it("prints every supported op once, sorted, each with a stated cost", async () => {
    const r = await zkinferInProcess("ops");
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split("\n").map((l) => /^(\S+)\s+(.+)$/.exec(l)!);
    expect(rows.map((m) => m[1])).toEqual(userOps);
    for (const m of rows) expect(m[2], m[1]).not.toBe("not stated");
    const cost = Object.fromEntries(rows.map((m) => [m[1], m[2]]));
    for (const op of ["Transpose", "Slice", "Concat", "Pad", "Resize", "Identity", "Reshape"]) expect(cost[op], op).toBe("0");
    expect(cost.MaxPool).toMatch(/\(B\+2\)/);
    expect(cost.Relu).toMatch(/^n·\(B\+2\)/);
    // a power of two, and any other constant divisor (hinted quotient and remainder)
    expect(cost.Div).toMatch(/n·\(B\+2\) by a constant ±2\^k.*n·\(Q\+2R\) by another constant/);
  }, 60_000);

  it("--json gives the same list as objects", async () => {
    const r = await zkinferInProcess("ops", "--json");
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { op: string; cost: string }[];
    expect(list.map((o) => o.op)).toEqual(userOps);
    expect(list.find((o) => o.op === "Split")!.cost).toBe("0");
    expect(list.every((o) => typeof o.cost === "string" && o.cost.length > 0)).toBe(true);
  }, 60_000);

  it("refuses an argument it does not take (exit 2)", async () => {
    const r = await zkinfer("ops", "Relu");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/ops takes no arguments, got Relu/);
  }, 60_000);
});
