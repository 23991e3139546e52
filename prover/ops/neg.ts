/**
 * Neg of a signed integer tensor (onnxruntime: int8, int32, int64; uint8 is not a Neg type).
 * Free in R1CS. -(-128) wraps to -128 in int8: the bounds check refuses a value that may reach it.
 */
import { ProverError } from "../errors.ts";
import { scaleLin } from "../lowering/linexpr.ts";
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { nodeRef, wrapTo } from "./tensor-util.ts";

const TYPES = ["int8", "int32", "int64"];

function check(node: Parameters<OpModule["evaluate"]>[0], dtype: string): void {
  if (!TYPES.includes(dtype)) throw new ProverError(`${nodeRef(node)}: integer Neg takes ${TYPES.join(", ")} (as onnxruntime), got ${dtype}`);
}

export const Neg: OpModule = {
  opType: "Neg",
  cost: "0",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    check(node, x.dtype);
    const wrap = wrapTo(x.dtype);
    return [{ dtype: x.dtype, dims: x.dims, data: x.data.map((v) => wrap(-v) + 0) }];
  },
  lower(node, inputs) {
    const x = input(node, inputs, 0);
    check(node, x.dtype);
    if (x.kind === "const") return [{ kind: "const", ...Neg.evaluate(node, [x])[0] }];
    return [{ kind: "sym", dtype: x.dtype, dims: x.dims, elems: x.elems.map((e) => scaleLin(e, -1n)) }];
  },
};
