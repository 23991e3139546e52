/**
 * Gather along any axis. With constant indices (negative ones count from the end) it selects
 * wires of a run-time tensor: no constraint. With a constant table and run-time indices it is a
 * table lookup (./lookup.ts).
 */
import type { Node } from "../onnx/graph.ts";
import type { OpModule } from "./types.ts";
import { fail, normAxis, rewireOp, type Shape } from "./rewire.ts";
import { input } from "./operands.ts";
import { size } from "./tensor-util.ts";
import { lowerTableLookup } from "./lookup.ts";

const select = rewireOp("Gather", (node: Node, ins, param) => {
  const x = input(node, ins, 0), ix = input(node, ins, 1) as Shape;
  const r = x.dims.length;
  const axis = normAxis(node, Number(node.attrs.axis ?? 0), r, "attribute axis");
  const d = x.dims[axis];
  const idx = param(1, "indices")!.map((v) => {
    if (v < -d || v >= d) fail(node, `indices: index ${v} is out of range for axis ${axis} of size ${d}`);
    return v < 0 ? v + d : v;
  });
  const outer = size(x.dims.slice(0, axis)), inner = size(x.dims.slice(axis + 1));
  const src: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const j of idx)
      for (let i = 0; i < inner; i++) src.push((o * d + j) * inner + i);
  return [{ dims: [...x.dims.slice(0, axis), ...ix.dims, ...x.dims.slice(axis + 1)], src }];
});

export const Gather: OpModule = {
  opType: "Gather",
  cost: "0 with constant indices; a table lookup with run-time indices",
  evaluate: select.evaluate,
  lower(node, inputs, ctx) {
    const data = input(node, inputs, 0), indices = input(node, inputs, 1);
    if (indices.kind === "const") return select.lower(node, inputs, ctx);
    if (data.kind === "const") {
      const out = lowerTableLookup(node, data, indices, ctx);
      return Array.isArray(out) ? out : [out];
    }
    return fail(node, "input 1 (indices) and input 0 (data) both depend on the model input; one of them must be a constant");
  },
};
