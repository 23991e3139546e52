/**
 * Element-wise Mul with numpy broadcasting (onnxruntime: int8, uint8, int32, int64, wrapping on
 * overflow). By a constant it is free in R1CS (a scale of the linear expression: how the
 * compiler aligns two branches' scales by a power of two); two run-time operands cost one
 * constraint per element. A product whose bounds leave the type is refused, since
 * onnxruntime would wrap it and the circuit does not.
 */
import { ProverError } from "../errors.ts";
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { elemLin, sameDtype } from "./add.ts";
import { broadcastDims, broadcastIndex, nodeRef, size } from "./tensor-util.ts";

/** Values the type holds; int64 only up to 2^53, what the evaluator's numbers hold exactly. */
const RANGE: Record<string, [bigint, bigint]> = {
  int8: [-128n, 127n],
  uint8: [0n, 255n],
  int32: [-(2n ** 31n), 2n ** 31n - 1n],
  int64: [-(2n ** 53n) + 1n, 2n ** 53n - 1n],
};

const BITS: Record<string, (v: bigint) => bigint> = {
  int8: (v) => BigInt.asIntN(8, v),
  uint8: (v) => BigInt.asUintN(8, v),
  int32: (v) => BigInt.asIntN(32, v),
  int64: (v) => BigInt.asIntN(64, v),
};

function wrapFor(node: Parameters<OpModule["evaluate"]>[0], dtype: string): (v: bigint) => bigint {
  const w = BITS[dtype];
  if (!w) throw new ProverError(`${nodeRef(node)}: integer Mul takes int8, uint8, int32 or int64, got ${dtype}`);
  return w;
}

export const Mul: OpModule = {
  opType: "Mul",
  cost: "0 by a constant; n with two run-time operands (one product each)",
  evaluate(node, inputs) {
    const a = input(node, inputs, 0), b = input(node, inputs, 1);
    sameDtype(node, a, b);
    const wrap = wrapFor(node, a.dtype);
    const dims = broadcastDims(a.dims, b.dims, node);
    // In BigInt: an int32 product can exceed 2^53 before it wraps.
    const data = Array.from({ length: size(dims) }, (_, i) =>
      Number(wrap(BigInt(a.data[broadcastIndex(i, dims, a.dims)]) * BigInt(b.data[broadcastIndex(i, dims, b.dims)]))));
    return [{ dtype: a.dtype, dims, data }];
  },
  lower(node, inputs, ctx) {
    const a = input(node, inputs, 0), b = input(node, inputs, 1);
    sameDtype(node, a, b);
    wrapFor(node, a.dtype);
    const dims = broadcastDims(a.dims, b.dims, node);
    if (a.kind === "const" && b.kind === "const") return [{ kind: "const", ...Mul.evaluate(node, [a, b])[0] }];
    const [lo, hi] = RANGE[a.dtype];
    const elems = Array.from({ length: size(dims) }, (_, i) => {
      const p = ctx.mul(elemLin(a, broadcastIndex(i, dims, a.dims)), elemLin(b, broadcastIndex(i, dims, b.dims)));
      if (p.min < lo || p.max > hi) {
        throw new ProverError(`${nodeRef(node)}: the product of element ${i} may reach [${p.min}, ${p.max}], beyond ${a.dtype}; onnxruntime would wrap (requantize the operands first)`);
      }
      return p;
    });
    return [{ kind: "sym", dtype: a.dtype, dims, elems }];
  },
};
