/** The op registry: one module per ONNX op, looked up by op type. */
import { ProverError } from "../errors.ts";
import type { Node } from "../onnx/graph.ts";
import type { OpModule } from "./types.ts";
import { Add, Sub } from "./add.ts";
import { ArgMax } from "./argmax.ts";
import { Cast } from "./cast.ts";
import { Clip } from "./clip.ts";
import { Div } from "./div.ts";
import { MatMulInteger } from "./matmul-integer.ts";
import { Relu } from "./relu.ts";
import { Requant } from "./requant.ts";
import { ConvInteger } from "./conv-integer.ts";
import { MaxPool } from "./max-pool.ts";
import { Max, Min } from "./max-min.ts";
import { Mul } from "./mul.ts";
import { Neg } from "./neg.ts";
import { ReduceMax } from "./reduce-max.ts";
import { Flatten, Reshape } from "./reshape.ts";
import { Identity, Transpose } from "./transpose.ts";
import { Squeeze, Unsqueeze } from "./squeeze.ts";
import { Slice } from "./slice.ts";
import { Split } from "./split.ts";
import { Concat } from "./concat.ts";
import { Pad } from "./pad.ts";
import { Resize, Upsample } from "./resize.ts";
import { DepthToSpace, SpaceToDepth } from "./depth-to-space.ts";
import { Expand, Tile } from "./expand-tile.ts";
import { Gather } from "./gather.ts";

export type { OpModule, IntTensor } from "./types.ts";

export const OPS: ReadonlyMap<string, OpModule> = new Map(
  [
    Add, ArgMax, Cast, Clip, ConvInteger, Div, Flatten, MatMulInteger, Max, MaxPool, Min, Mul, Neg, ReduceMax, Relu, Reshape, Requant, Sub,
    // rewiring: zero constraints
    Concat, DepthToSpace, Expand, Gather, Identity, Pad, Resize, Slice, SpaceToDepth, Split, Squeeze, Tile, Transpose, Unsqueeze, Upsample,
  ].map((op) => [op.opType, op]),
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
