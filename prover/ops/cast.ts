/**
 * Cast between integer types. onnxruntime wraps on narrowing (int32 300 -> int8 44); the
 * circuit only accepts a narrowing whose input bounds already fit, which is what a Clip before
 * the Cast guarantees, so the cast itself costs nothing.
 */
import { ProverError } from "../errors.ts";
import type { DType } from "../onnx/graph.ts";
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { nodeRef, wrapInt32, wrapInt8 } from "./tensor-util.ts";

const TO: Record<number, DType> = { 2: "uint8", 3: "int8", 6: "int32" };
const RANGE: Record<string, [bigint, bigint]> = { uint8: [0n, 255n], int8: [-128n, 127n], int32: [-(2n ** 31n), 2n ** 31n - 1n] };

function target(node: Parameters<OpModule["evaluate"]>[0]): DType {
  const t = TO[Number(node.attrs.to)];
  if (!t) throw new ProverError(`${nodeRef(node)}: cast to type ${node.attrs.to} is not supported (uint8 = 2, int8 = 3, int32 = 6)`);
  return t;
}

export const Cast: OpModule = {
  opType: "Cast",
  cost: "0 (the bounds must already fit the target type)",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0), to = target(node);
    const wrap = to === "int8" ? wrapInt8 : to === "uint8" ? (v: number) => ((v % 256) + 256) % 256 : wrapInt32;
    return [{ dtype: to, dims: x.dims, data: x.data.map(wrap) }];
  },
  lower(node, inputs) {
    const x = input(node, inputs, 0), to = target(node);
    if (x.kind === "const") return [{ kind: "const", ...Cast.evaluate(node, [x])[0] }];
    const [lo, hi] = RANGE[to];
    for (const e of x.elems) {
      if (e.min < lo || e.max > hi) {
        throw new ProverError(`${nodeRef(node)}: input bounds [${e.min}, ${e.max}] do not fit ${to}; clip before casting`);
      }
    }
    return [{ ...x, dtype: to }];
  },
};
