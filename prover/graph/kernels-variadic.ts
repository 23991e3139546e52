/**
 * Float Max, Min, Sum and Mean over one or more inputs with numpy broadcasting (opset 8 on;
 * older opsets required equal shapes, which broadcasting covers). Folding pairwise gives the
 * same result as broadcasting all inputs at once.
 */
import { broadcastApply } from "./kernels-elementwise.ts";
import { broadcastDims, fail, type FloatOp, type FloatValue, type OpContext, type ValueShape } from "./value.ts";

function present<T>(ins: (T | undefined)[], ctx: OpContext): T[] {
  if (ins.length === 0 || ins.some((v) => v === undefined)) fail(ctx, "every input must be given (at least one)");
  return ins as T[];
}

function variadic(opType: string, f: (x: number, y: number) => number, mean = false): FloatOp {
  return {
    opType,
    shape(_n, ins, ctx): ValueShape[] {
      const xs = present(ins, ctx);
      return [{ dims: xs.reduce((d, x) => broadcastDims(d, x.dims, ctx), xs[0].dims), kind: xs[0].kind }];
    },
    run(_n, ins, ctx): FloatValue[] {
      const xs = present(ins, ctx);
      let acc: FloatValue = { ...xs[0], data: Float64Array.from(xs[0].data) };
      for (const x of xs.slice(1)) acc = broadcastApply(acc, x, f, ctx);
      if (mean) acc.data = acc.data.map((v) => v / xs.length);
      return [acc];
    },
  };
}

// NaN in any input makes Max and Min NaN, as in onnxruntime.
export const Max = variadic("Max", (x, y) => (x > y || Number.isNaN(x) ? x : y));
export const Min = variadic("Min", (x, y) => (x < y || Number.isNaN(x) ? x : y));
export const Sum = variadic("Sum", (x, y) => x + y);
export const Mean = variadic("Mean", (x, y) => x + y, true);
