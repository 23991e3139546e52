/**
 * Integer Div: truncates toward zero, as onnxruntime does. In a circuit only division by a
 * constant power of two of a non-negative value is supported (the quantizer's rescale).
 */
import { ProverError } from "../errors.ts";
import type { OpModule } from "./types.ts";
import { constOperand, input, sameType, scalarOf } from "./operands.ts";
import { broadcastDims, broadcastIndex, nodeRef, size, wrapTo } from "./tensor-util.ts";
import { lowerSpec } from "./requant.ts";

export const Div: OpModule = {
  opType: "Div",
  cost: "n·(B+2) (by a constant 2^k, B = bits of the input bounds)",
  evaluate(node, inputs) {
    const a = input(node, inputs, 0), b = input(node, inputs, 1);
    const dims = broadcastDims(a.dims, b.dims, node);
    const wrap = wrapTo(a.dtype); // int8 -128 / -1 is -128 in onnxruntime
    const data = Array.from({ length: size(dims) }, (_, i) => {
      const d = b.data[broadcastIndex(i, dims, b.dims)];
      if (d === 0) throw new ProverError(`${nodeRef(node)}: integer division by zero`);
      return wrap(Math.trunc(a.data[broadcastIndex(i, dims, a.dims)] / d) + 0); // + 0 turns -0 into 0
    });
    return [{ dtype: a.dtype, dims, data }];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    const divisor = constOperand(node, inputs, 1);
    sameType(node, x, divisor, "divisor");
    const d = scalarOf(node, divisor, "divisor");
    // A one-element divisor of higher rank would broadcast the output to another shape.
    if (divisor.dims.length > x.dims.length) throw new ProverError(`${nodeRef(node)}: divisor of dims [${divisor.dims}] would broadcast [${x.dims}] to another shape`);
    const shift = Math.log2(d ?? 0);
    if (!Number.isInteger(shift) || shift < 0) {
      throw new ProverError(`${nodeRef(node)}: divisor ${d} must be a power of two`);
    }
    return [lowerSpec(node, x, { relu: false, shift, lo: null, hi: null }, x.dtype, ctx)];
  },
};
