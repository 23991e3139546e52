/** Gather from a constant table by run-time indices: a table lookup (not supported yet). */
import type { Node } from "../onnx/graph.ts";
import type { Lowering, SymTensor } from "../compiler/lowering.ts";
import { fail } from "./rewire.ts";

export function lowerTableLookup(node: Node, _data: SymTensor, _indices: SymTensor, _ctx: Lowering): SymTensor[] {
  fail(node, "table lookup not supported yet (Gather from a constant by run-time indices)");
}
