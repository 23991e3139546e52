/**
 * zkinfer.Requant: the fused Relu → Div(2^k) → Clip → Cast chain (see compiler/fuse.ts), and
 * the lowering shared with a lone Relu, Div or Clip. Not an ONNX op: the fusion pass makes it
 * from ONNX nodes, so that the whole chain is one bit decomposition instead of one per node.
 */
import type { Node } from "../onnx/graph.ts";
import type { SymTensor, Lowering } from "../lowering/lowering.ts";
import { lowerRequant, requantValue, type RequantSpec } from "../lowering/requant.ts";
import type { IntTensor, OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { nodeRef } from "./tensor-util.ts";
import type { DType } from "../onnx/graph.ts";

export function specOf(node: Node): RequantSpec {
  const a = node.attrs;
  return {
    relu: a.relu === 1,
    shift: Number(a.shift ?? 0),
    lo: a.lo === undefined ? null : Number(a.lo),
    hi: a.hi === undefined ? null : Number(a.hi),
  };
}

export function evaluateSpec(x: IntTensor, s: RequantSpec, dtype: DType): IntTensor {
  return { dtype, dims: x.dims, data: x.data.map((v) => Number(requantValue(BigInt(v), s))) };
}

export function lowerSpec(node: Node, x: SymTensor, s: RequantSpec, dtype: DType, ctx: Lowering): SymTensor {
  if (x.kind === "const") return { kind: "const", ...evaluateSpec(x, s, dtype) };
  return { kind: "sym", dtype, dims: x.dims, elems: x.elems.map((e) => lowerRequant(e, s, ctx, nodeRef(node))) };
}

export const Requant: OpModule = {
  opType: "zkinfer.Requant",
  cost: "n·(B+2); n·(B+5) with a binding clip (one bit decomposition per element)",
  // Without a fused Cast the chain keeps its input's type (an int8 Relu → Clip stays int8,
  // so a later int8 Add is still checked for wrapping).
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    return [evaluateSpec(x, specOf(node), (node.attrs.dtype as DType | undefined) ?? x.dtype)];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    return [lowerSpec(node, x, specOf(node), (node.attrs.dtype as DType | undefined) ?? x.dtype, ctx)];
  },
};
