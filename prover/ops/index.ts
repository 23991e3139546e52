/** The op registry: one module per ONNX op, looked up by op type. */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import type { OpModule } from "./types.ts";
import { Add } from "./add.ts";
import { Cast } from "./cast.ts";
import { Clip } from "./clip.ts";
import { Div } from "./div.ts";
import { MatMulInteger } from "./matmul-integer.ts";
import { Relu } from "./relu.ts";
import { Requant } from "./requant.ts";
import { ConvInteger } from "./conv-integer.ts";
import { MaxPool } from "./max-pool.ts";
import { Flatten, Reshape } from "./reshape.ts";
import { TableGather } from "./lookup.ts";

export type { OpModule, IntTensor } from "./types.ts";

export const OPS: ReadonlyMap<string, OpModule> = new Map(
  [Add, Cast, Clip, ConvInteger, Div, Flatten, MatMulInteger, MaxPool, Relu, Reshape, Requant, TableGather].map((op) => [op.opType, op]),
);

export function opFor(node: Node, index: number): OpModule {
  // An op of another domain (or a model-local function) only shares the name of ours.
  if (node.domain && !node.opType.startsWith("zkinfer.")) {
    throw new ProverError(`node ${node.name} (#${index}, ${node.opType}): op domain "${node.domain}" is not supported; only the default ONNX domain is`);
  }
  const op = OPS.get(node.opType);
  if (!op) {
    const supported = [...OPS.keys()].filter((k) => !k.startsWith("zkinfer.")).sort().join(", ");
    throw new ProverError(`node ${node.name} (#${index}, ${node.opType}): unsupported op; supported: ${supported}`);
  }
  return op;
}
