/**
 * Add and Sub with numpy broadcasting. Integer Add/Sub wrap on overflow in onnxruntime; the
 * compiler refuses graphs whose bounds could overflow, so the circuit never needs to wrap.
 * Both are linear: free in R1CS whether the operands are constants or run-time values (two
 * branches of a graph meeting at a residual Add, or aligned by a constant Mul, cost nothing).
 */
import { ProverError } from "../errors.ts";
import { addLin, constLin, scaleLin, type Lin } from "../lowering/linexpr.ts";
import type { SymTensor } from "../lowering/lowering.ts";
import type { Node } from "../onnx/graph.ts";
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { broadcastDims, broadcastIndex, nodeRef, size, wrapTo } from "./tensor-util.ts";

export function elemLin(t: SymTensor, i: number): Lin {
  return t.kind === "sym" ? t.elems[i] : constLin(BigInt(t.data[i]));
}

/** onnxruntime has no implicit promotion: both operands must have one type. */
export function sameDtype(node: Node, a: { dtype: string }, b: { dtype: string }): void {
  if (a.dtype !== b.dtype) throw new ProverError(`${nodeRef(node)}: operand types differ (${a.dtype}, ${b.dtype})`);
}

function linear(opType: string, sign: 1 | -1): OpModule {
  const op: OpModule = {
    opType,
    cost: "0 (a sum of linear expressions)",
    evaluate(node, inputs) {
      const a = input(node, inputs, 0), b = input(node, inputs, 1);
      sameDtype(node, a, b);
      const dims = broadcastDims(a.dims, b.dims, node);
      const wrap = wrapTo(a.dtype);
      const data = Array.from({ length: size(dims) }, (_, i) =>
        wrap(a.data[broadcastIndex(i, dims, a.dims)] + sign * b.data[broadcastIndex(i, dims, b.dims)]));
      return [{ dtype: a.dtype, dims, data }];
    },
    lower(node, inputs) {
      const a = input(node, inputs, 0), b = input(node, inputs, 1);
      sameDtype(node, a, b);
      const dims = broadcastDims(a.dims, b.dims, node);
      if (a.kind === "const" && b.kind === "const") return [{ kind: "const", ...op.evaluate(node, [a, b])[0] }];
      const elems = Array.from({ length: size(dims) }, (_, i) =>
        addLin(elemLin(a, broadcastIndex(i, dims, a.dims)), scaleLin(elemLin(b, broadcastIndex(i, dims, b.dims)), BigInt(sign))));
      return [{ kind: "sym", dtype: a.dtype, dims, elems }];
    },
  };
  return op;
}

export const Add = linear("Add", 1);
export const Sub = linear("Sub", -1);
