/**
 * Integer Div: truncates toward zero, as onnxruntime does. In a circuit the divisor must be a
 * constant scalar and the dividend >= 0 (where truncation is floor): a power of two costs one
 * bit decomposition (the quantizer's rescale, requant.ts), any other constant a hinted
 * quotient and remainder with range checks (div-const.ts). A negative divisor negates the
 * quotient, which is free.
 */
import { ProverError } from "../errors.ts";
import type { OpModule } from "./types.ts";
import { constOperand, input, sameType, scalarOf } from "./operands.ts";
import { broadcastDims, broadcastIndex, nodeRef, size, wrapTo } from "./tensor-util.ts";
import { lowerRequant } from "../lowering/requant.ts";
import { lowerDivConst } from "../lowering/div-const.ts";
import { constLin, scaleLin } from "../lowering/linexpr.ts";

export const Div: OpModule = {
  opType: "Div",
  cost: "n·(B+2) by a constant ±2^k (B = bits of the input bounds); n·(Q+2R) by another constant d (Q = bits of the quotient's range, R = bits of |d|-1)",
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
    if (d === null || d === 0) throw new ProverError(`${nodeRef(node)}: integer division by zero`);
    if (x.kind === "const") return [{ kind: "const", ...Div.evaluate(node, [x, divisor])[0] }];
    const where = nodeRef(node), abs = Math.abs(d), shift = Math.log2(abs), wrap = wrapTo(x.dtype);
    const spec = { relu: false, shift, lo: null, hi: null };
    const elems = x.elems.map((e) => {
      // A constant element (from a Concat or Pad with constants) is divided here, exactly as onnxruntime does.
      if (e.terms.size === 0) return constLin(BigInt(wrap(Number(e.c / BigInt(d)))));
      if (e.min < 0n) throw new ProverError(`${where}: division by ${d} of a value that may be negative (bounds [${e.min}, ${e.max}]); only values >= 0 are supported (add an offset, or a Relu, first)`);
      const q = Number.isInteger(shift) ? lowerRequant(e, spec, ctx, where) : lowerDivConst(e, BigInt(abs), ctx, where);
      return d > 0 ? q : scaleLin(q, -1n);
    });
    return [{ kind: "sym", dtype: x.dtype, dims: x.dims, elems }];
  },
};
