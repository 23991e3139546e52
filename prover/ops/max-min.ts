/**
 * Max and Min of one or more tensors, with numpy broadcasting (onnxruntime: int8, uint8,
 * int32, int64). Each pair of run-time values costs one comparison: the Max2 bit
 * decomposition of their difference; Min is a + b - max(a, b), at the same cost.
 */
import { ProverError } from "../errors.ts";
import type { Lin } from "../lowering/linexpr.ts";
import type { Lowering, SymTensor } from "../lowering/lowering.ts";
import type { Node } from "../onnx/graph.ts";
import type { IntTensor, OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { elemLin, sameDtype } from "./add.ts";
import { max2, min2 } from "./compare.ts";
import { broadcastDims, broadcastIndex, nodeRef, size } from "./tensor-util.ts";

const TYPES = ["int8", "uint8", "int32", "int64"];

function operands<T extends { dtype: string; dims: number[] }>(node: Node, inputs: (T | undefined)[]): { xs: T[]; dims: number[] } {
  if (node.inputs.length === 0) throw new ProverError(`${nodeRef(node)}: needs at least one input`);
  const xs = node.inputs.map((_, i) => input(node, inputs, i));
  xs.forEach((x) => sameDtype(node, xs[0], x));
  if (!TYPES.includes(xs[0].dtype)) throw new ProverError(`${nodeRef(node)}: integer ${node.opType} takes ${TYPES.join(", ")}, got ${xs[0].dtype}`);
  return { xs, dims: xs.map((x) => x.dims).reduce((a, b) => broadcastDims(a, b, node)) };
}

function extremum(opType: "Max" | "Min"): OpModule {
  const pick = opType === "Max" ? Math.max : Math.min;
  const pair: (a: Lin, b: Lin, ctx: Lowering) => Lin = opType === "Max" ? max2 : min2;
  const op: OpModule = {
    opType,
    cost: "n·(k−1)·(B+2) for k inputs (n outputs; B = bits of a difference, 8 for int8; 0 where the bounds decide)",
    evaluate(node, inputs) {
      const { xs, dims } = operands<IntTensor>(node, inputs);
      const data = Array.from({ length: size(dims) }, (_, i) => pick(...xs.map((x) => x.data[broadcastIndex(i, dims, x.dims)])));
      return [{ dtype: xs[0].dtype, dims, data }];
    },
    lower(node, inputs, ctx) {
      const { xs, dims } = operands<SymTensor>(node, inputs);
      if (xs.every((x) => x.kind === "const")) return [{ kind: "const", ...op.evaluate(node, xs as IntTensor[])[0] }];
      const elems = Array.from({ length: size(dims) }, (_, i) => xs.map((x) => elemLin(x, broadcastIndex(i, dims, x.dims))).reduce((m, e) => pair(m, e, ctx)));
      return [{ kind: "sym", dtype: xs[0].dtype, dims, elems }];
    },
  };
  return op;
}

export const Max = extremum("Max");
export const Min = extremum("Min");
