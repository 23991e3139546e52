/**
 * ReduceMax (onnxruntime: int8, uint8, int32, int64). Axes come from the attribute (opset < 18)
 * or from the optional second input (opset 18, a constant in the circuit); no axes reduce every
 * axis, or nothing with noop_with_empty_axes. A group of n run-time values is a chain of n - 1
 * Max2. GlobalMaxPool has no integer kernel in onnxruntime: an integer graph writes it as
 * ReduceMax over axes [2, 3] with keepdims 1.
 */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import type { SymTensor } from "../lowering/lowering.ts";
import type { IntTensor, OpModule } from "./types.ts";
import { constOperand, input } from "./operands.ts";
import { max2 } from "./compare.ts";
import { intAttr, normalizeAxes, reduction, type Reduction } from "./reduce-util.ts";
import { nodeRef } from "./tensor-util.ts";

const TYPES = ["int8", "uint8", "int32", "int64"];

/** The reduction, or null for the no-op (empty axes with noop_with_empty_axes). */
function geometry(node: Node, x: { dtype: string; dims: number[] }, axesInput: IntTensor | undefined): Reduction | null {
  if (!TYPES.includes(x.dtype)) throw new ProverError(`${nodeRef(node)}: integer ReduceMax takes ${TYPES.join(", ")}, got ${x.dtype}`);
  const attr = node.attrs.axes;
  if (attr !== undefined && axesInput) throw new ProverError(`${nodeRef(node)}: axes given both as attribute and as input`);
  const raw = axesInput ? axesInput.data : attr === undefined ? [] : (attr as number[]).map(Number);
  if (raw.length === 0 && intAttr(node, "noop_with_empty_axes", 0)) return null;
  const axes = raw.length ? normalizeAxes(node, raw, x.dims.length) : x.dims.map((_, i) => i);
  return reduction(node, x.dims, axes, intAttr(node, "keepdims", 1) !== 0);
}

export const ReduceMax: OpModule = {
  opType: "ReduceMax",
  cost: "n·(g−1)·(B+2): a Max2 chain per output (n outputs, g elements reduced; B = bits of a difference, 8 for int8)",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    const g = geometry(node, x, node.inputs[1] ? input(node, inputs, 1) : undefined);
    if (!g) return [x];
    return [{ dtype: x.dtype, dims: g.dims, data: g.groups.map((grp) => Math.max(...grp.map((i) => x.data[i]))) }];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    const g = geometry(node, x, node.inputs[1] ? constOperand(node, inputs, 1) : undefined);
    if (!g) return [x];
    if (x.kind === "const") return [{ kind: "const", ...ReduceMax.evaluate(node, [x, ...(node.inputs[1] ? [inputs[1] as IntTensor] : [])])[0] }];
    const elems = g.groups.map((grp) => grp.map((i) => x.elems[i]).reduce((m, e) => max2(m, e, ctx)));
    return [{ kind: "sym", dtype: x.dtype, dims: g.dims, elems } satisfies SymTensor];
  },
};
