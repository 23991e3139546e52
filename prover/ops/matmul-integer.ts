/**
 * MatMulInteger: int8 x int8 -> int32, A [M, K] (the activations) times B [K, N] (constant
 * weights). Zero points must be absent or zero: the quantizer is symmetric.
 * In the circuit each output is a linear combination of A's signals: no constraints.
 */
import { ProverError } from "../errors.ts";
import { addLin, constLin, dot, type Lin } from "../lowering/linexpr.ts";
import type { OpModule, IntTensor } from "./types.ts";
import { constZeroPoint, input } from "./operands.ts";
import { nodeRef, wrapInt32 } from "./tensor-util.ts";

function checkShapes(node: Parameters<OpModule["evaluate"]>[0], a: number[], b: number[]): [number, number, number] {
  if (a.length !== 2 || b.length !== 2 || a[1] !== b[0]) {
    throw new ProverError(`${nodeRef(node)}: expected A [M, K] and B [K, N], got [${a}] and [${b}]`);
  }
  return [a[0], a[1], b[1]];
}

function checkZeroPoints(node: Parameters<OpModule["evaluate"]>[0], zs: (IntTensor | undefined)[]): void {
  for (const z of zs) {
    if (z && z.data.some((v) => v !== 0)) throw new ProverError(`${nodeRef(node)}: nonzero zero points are not supported`);
  }
}

export const MatMulInteger: OpModule = {
  opType: "MatMulInteger",
  cost: "0 with constant weights; M·K·N with hashed weights (one per product)",
  evaluate(node, inputs) {
    const a = input(node, inputs, 0), b = input(node, inputs, 1);
    checkZeroPoints(node, [inputs[2], inputs[3]]);
    const [M, K, N] = checkShapes(node, a.dims, b.dims);
    const out = new Array<number>(M * N).fill(0);
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) s += a.data[m * K + k] * b.data[k * N + n];
        out[m * N + n] = wrapInt32(s);
      }
    return [{ dtype: "int32", dims: [M, N], data: out }];
  },
  lower(node, inputs, ctx) {
    const a = input(node, inputs, 0);
    const b = input(node, inputs, 1);
    if (a.kind !== "sym") throw new ProverError(`${nodeRef(node)}: input 0 must depend on the model input`);
    checkZeroPoints(node, [constZeroPoint(node, inputs, 2), constZeroPoint(node, inputs, 3)]);
    const [M, K, N] = checkShapes(node, a.dims, b.dims);
    const elems: Lin[] = [];
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        const xs = a.elems.slice(m * K, (m + 1) * K);
        if (b.kind === "const") {
          // Constant weights: a linear combination, no constraint.
          elems.push(dot(xs, Array.from({ length: K }, (_, k) => BigInt(b.data[k * N + n])), 0n));
        } else {
          // Hashed (private) weights: one product per multiply-accumulate.
          elems.push(xs.reduce((acc, x, k) => addLin(acc, ctx.mul(x, b.elems[k * N + n])), constLin(0n)));
        }
      }
    return [{ kind: "sym", dtype: "int32", dims: [M, N], elems }];
  },
};
