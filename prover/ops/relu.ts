/** Relu on integers (opset >= 14 for int types in onnxruntime). Alone it is a requant with no shift. */
import type { OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { evaluateSpec, lowerSpec } from "./requant.ts";

const SPEC = { relu: true, shift: 0, lo: null, hi: null };

export const Relu: OpModule = {
  opType: "Relu",
  cost: "n·(B+2) (B = bits of the input bounds)",
  evaluate(node, inputs) {
    const x = input(node, inputs, 0);
    return [evaluateSpec(x, SPEC, x.dtype)];
  },
  lower(node, inputs, ctx) {
    const x = input(node, inputs, 0);
    return [lowerSpec(node, x, SPEC, x.dtype, ctx)];
  },
};
