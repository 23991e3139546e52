/**
 * The one interface every ONNX op module implements: integer evaluation (the reference the
 * circuit is tested against), lowering to circom, and its cost in constraints.
 */
import type { Node, DType } from "../onnx/graph.ts";
import type { Lowering, SymTensor } from "../lowering/lowering.ts";

/** An integer tensor as the evaluator sees it: plain numbers (all values fit in int32). */
export interface IntTensor {
  dtype: DType;
  dims: number[];
  data: number[];
}

export interface OpModule {
  opType: string;
  /**
   * Constraints it costs, as a formula in the element count n and bit widths (B: the width
   * the value's bounds need), for `zkinfer ops`. "0": linear or a rewiring of the wires.
   */
  cost?: string;
  /** Integer semantics exactly as onnxruntime's CPU kernels compute them. */
  evaluate(node: Node, inputs: (IntTensor | undefined)[]): IntTensor[];
  /** Emits the op's constraints; returns the symbolic outputs. */
  lower(node: Node, inputs: (SymTensor | undefined)[], ctx: Lowering): SymTensor[];
}
