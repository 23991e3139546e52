/**
 * What a nonlinearity costs per element in the circuit, on the same element: a Gemm (64 → 64)
 * and then each activation, quantized from float by the quantizer and compiled. The ReLU is one
 * requant (Relu → Div → Clip: one bit decomposition); a table activation is the signed requant
 * to an int8 index plus the lookup. The issue's goal: a lookup nonlinearity at most 3x the cost
 * of ReLU + rescale on the same element, and rewiring exactly zero. Constraints are the compiler's
 * per-node estimates (equal to circom's count after --O2, as every compile checks).
 * Run: npx tsx bench/activation-cost.ts  → bench/results/activation-cost.{json,md}
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Graph, Node } from "../prover/onnx/graph.ts";
import { f32, vi } from "../prover/graph/testing.ts";
import { quantizeModel } from "../prover/quantize/index.ts";
import { compileToCircom } from "../prover/compiler/compile.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { Rng } from "../models/lib/rng.ts";
import { describeMachine } from "./lib/machine.ts";

const N = 64;
const rng = new Rng(3);
const rand = (n: number, a: number) => Array.from({ length: n }, () => (2 * rng.next() - 1) * a);
const W = rand(N * N, 0.3), B = rand(N, 0.1);

function graph(act: Node[], extra: [string, number[], number[]][] = []): Graph {
  const inits = new Map([["w", f32([N, N], W)], ["b", f32([N], B)], ...extra.map(([n, d, v]) => [n, f32(d, v)] as const)]);
  return { name: "a", opset: 17, metadata: {}, initializers: inits, inputs: [vi("x", [1, N])], outputs: [vi("y", [1, N])], nodes: [{ name: "fc", opType: "Gemm", inputs: ["x", "w", "b"], outputs: ["h"], attrs: {} }, ...act] };
}
const one = (op: string, attrs: Node["attrs"] = {}, inputs: string[] = []): Node[] => [{ name: "act", opType: op, inputs: ["h", ...inputs], outputs: ["y"], attrs }];
const CASES: [string, Graph][] = [
  ["Relu (requant)", graph(one("Relu"))],
  ["Sigmoid", graph(one("Sigmoid"))],
  ["Tanh", graph(one("Tanh"))],
  ["HardSwish", graph(one("HardSwish"))],
  ["LeakyRelu", graph(one("LeakyRelu", { alpha: 0.1 }))],
  ["PRelu (a slope per element: 64 tables)", graph(one("PRelu", {}, ["s"]), [["s", [N], rand(N, 0.5)]])],
  ["Exp", graph(one("Exp"))],
  ["GELU (erf form, fused)", graph([
    { name: "div", opType: "Div", inputs: ["h", "r2"], outputs: ["d"], attrs: {} },
    { name: "erf", opType: "Erf", inputs: ["d"], outputs: ["e"], attrs: {} },
    { name: "add", opType: "Add", inputs: ["e", "one"], outputs: ["a"], attrs: {} },
    { name: "mul", opType: "Mul", inputs: ["h", "a"], outputs: ["m"], attrs: {} },
    { name: "half", opType: "Mul", inputs: ["m", "h5"], outputs: ["y"], attrs: {} },
  ], [["r2", [], [Math.SQRT2]], ["one", [], [1]], ["h5", [], [0.5]]])],
  ["Transpose + Reshape (rewiring)", graph([
    { name: "r", opType: "Relu", inputs: ["h"], outputs: ["r"], attrs: {} },
    { name: "rs", opType: "Reshape", inputs: ["r", "shape"], outputs: ["t"], attrs: {} },
    { name: "tr", opType: "Transpose", inputs: ["t"], outputs: ["u"], attrs: { perm: [0, 2, 1] } },
    { name: "back", opType: "Reshape", inputs: ["u", "flat"], outputs: ["y"], attrs: {} },
  ])],
];
// Reshape targets for the rewiring case (int64 constants).
const rewire = CASES.at(-1)![1];
rewire.initializers.set("shape", { dtype: "int64", dims: [3], data: BigInt64Array.from([1n, 8n, 8n]) });
rewire.initializers.set("flat", { dtype: "int64", dims: [2], data: BigInt64Array.from([1n, 64n]) });

const calib = Array.from({ length: 64 }, () => rand(N, 1));
const rows = CASES.map(([name, g]) => {
  const { graph: q } = quantizeModel(g, calib);
  const c = compileToCircom(q, { templateName: "A" });
  const byOp: Record<string, number> = {};
  for (const n of c.costs) if (n.constraints) byOp[n.opType] = (byOp[n.opType] ?? 0) + n.constraints;
  delete byOp["zkinfer.InputCommitment"];
  const total = Object.values(byOp).reduce((a, b) => a + b, 0);
  return { name, perElement: total / N, byOp: Object.fromEntries(Object.entries(byOp).map(([k, v]) => [k, v / N])) };
});
const relu = rows[0].perElement;
const machine = describeMachine();
const out = path.join(REPO_ROOT, "bench", "results");
mkdirSync(out, { recursive: true });
writeFileSync(path.join(out, "activation-cost.json"), JSON.stringify({ machine, rows }, null, 2) + "\n");
writeFileSync(path.join(out, "activation-cost.md"), `# What a nonlinearity costs per element

A Gemm (64 → 64, the same weights and calibration for every row) followed by the activation,
quantized from float and compiled; constraints per element of the activation (the input
commitment left out). The ReLU row is today's ReLU + rescale; the goal is a table activation at
most 3x that on the same element, and rewiring at 0 (the rewiring row is a ReLU followed by
Reshape, Transpose, Reshape: the same cost as the ReLU alone).
Command: \`npx tsx bench/activation-cost.ts\` (${machine.date}; constraint counts do not depend on the machine).

| activation | constraints per element | vs ReLU | by op |
|---|---:|---:|---|
${rows.map((r) => `| ${r.name} | ${r.perElement.toFixed(1)} | ${(r.perElement / relu).toFixed(2)}x | ${Object.entries(r.byOp).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")} |`).join("\n")}
`);
process.stdout.write(`${rows.map((r) => `${r.name}: ${r.perElement.toFixed(1)} (${(r.perElement / relu).toFixed(2)}x)`).join("\n")}\n`);
