/**
 * Add with numpy broadcasting. Integer Add wraps on int32 overflow in onnxruntime; the
 * compiler refuses graphs whose bounds could overflow, so the circuit never needs to wrap.
 */
import { ProverError } from "../errors.ts";
import { addLin, constLin, type Lin } from "../compiler/linexpr.ts";
import type { SymTensor } from "../compiler/lowering.ts";
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { broadcastDims, broadcastIndex, nodeRef, size, wrapTo } from "./tensor-util.ts";

function elemLin(t: SymTensor, i: number): Lin {
  return t.kind === "sym" ? t.elems[i] : constLin(BigInt(t.data[i]));
}

export const Add: OpModule = {
  opType: "Add",
  cost: "0 (a sum of linear expressions)",
  evaluate(node, inputs) {
    const a = input(node, inputs, 0), b = input(node, inputs, 1);
    if (a.dtype !== b.dtype) throw new ProverError(`${nodeRef(node)}: operand types differ (${a.dtype}, ${b.dtype})`);
    const dims = broadcastDims(a.dims, b.dims, node);
    const wrap = wrapTo(a.dtype);
    const data = Array.from({ length: size(dims) }, (_, i) =>
      wrap(a.data[broadcastIndex(i, dims, a.dims)] + b.data[broadcastIndex(i, dims, b.dims)]));
    return [{ dtype: a.dtype, dims, data }];
  },
  lower(node, inputs) {
    const a = input(node, inputs, 0), b = input(node, inputs, 1);
    if (a.dtype !== b.dtype) throw new ProverError(`${nodeRef(node)}: operand types differ (${a.dtype}, ${b.dtype})`);
    const dims = broadcastDims(a.dims, b.dims, node);
    if (a.kind === "const" && b.kind === "const") {
      const [r] = Add.evaluate(node, [a, b]);
      return [{ kind: "const", ...r }];
    }
    const elems = Array.from({ length: size(dims) }, (_, i) =>
      addLin(elemLin(a, broadcastIndex(i, dims, a.dims)), elemLin(b, broadcastIndex(i, dims, b.dims))));
    return [{ kind: "sym", dtype: a.dtype, dims, elems }];
  },
};
