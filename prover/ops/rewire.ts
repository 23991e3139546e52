/**
 * Shared machinery of the rewiring ops (Transpose, Slice, Concat, Pad, Resize nearest, ...):
 * each output element is a copy of one input element or a constant, decided by the shapes
 * and constant operands alone. So one plan serves both the evaluator and the lowering, and
 * the lowering only picks existing linear expressions: no signal, no constraint.
 */
import { ProverError } from "../errors.ts";
import type { DType, Node } from "../onnx/graph.ts";
import { constLin, type Lin } from "../lowering/linexpr.ts";
import type { SymTensor } from "../lowering/lowering.ts";
import type { IntTensor, OpModule } from "./types.ts";
import { input } from "./operands.ts";
import { nodeRef, size } from "./tensor-util.ts";

/** Rewiring ops emit nothing: their cost in constraints (and new wires). */
export const REWIRE_COST = "0";

export interface Shape {
  dtype: DType;
  dims: number[];
}

/** One output: element j copies element src[j] of input from[j] (or of input 0), or is `fill` where src[j] is -1. */
export interface Wiring {
  dims: number[];
  src: number[];
  from?: number[];
  fill?: number;
}

/** The values of constant operand i (their dims are in the plan's shapes) (an integer list), undefined when the input is absent. */
export type Params = (i: number, what: string) => number[] | undefined;

export type Plan = (node: Node, shapes: (Shape | undefined)[], param: Params) => Wiring[];

export function fail(node: Node, msg: string): never {
  throw new ProverError(`${nodeRef(node)}: ${msg}`);
}

/** An axis in [-rank, rank), normalized; out of range names the attribute or input it came from. */
export function normAxis(node: Node, axis: number, rank: number, what: string): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) fail(node, `${what} ${axis} is out of range for rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

export function strides(dims: number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1] * dims[i + 1];
  return s;
}

/** Wiring of an output of `dims` whose element at coordinates c reads input flat index at(c) (-1: fill). */
export function byCoords(dims: number[], at: (c: number[]) => number, fill?: number): Wiring {
  const n = size(dims), src = new Array<number>(n), c = new Array<number>(dims.length).fill(0);
  for (let j = 0; j < n; j++) {
    src[j] = at(c);
    for (let d = dims.length - 1; d >= 0; d--) {
      if (++c[d] < dims[d]) break;
      c[d] = 0;
    }
  }
  return { dims, src, fill };
}

/** Flat index of coordinates c in a tensor of dims with the given strides. */
export function flat(c: number[], st: number[]): number {
  let f = 0;
  for (let i = 0; i < c.length; i++) f += c[i] * st[i];
  return f;
}

function intsOf(node: Node, t: { data: number[] }, i: number, what: string): number[] {
  if (t.data.some((v) => !Number.isFinite(v) || (what !== "scales" && !Number.isInteger(v)))) fail(node, `input ${i} (${what}) has a non-integer value`);
  return t.data;
}

/**
 * An op module from a plan. `data`: the inputs whose elements are moved (the rest are
 * parameters, which must be constants in a circuit). All data inputs share one type.
 */
export function rewireOp(opType: string, plan: Plan, data: (node: Node) => number[] = () => [0]): OpModule {
  const shapesOf = (node: Node, inputs: (Shape | undefined)[]) => {
    const idx = data(node);
    const first = input(node, inputs, idx[0]);
    for (const i of idx) {
      const t = input(node, inputs, i);
      if (t.dtype !== first.dtype) fail(node, `input ${i} is ${t.dtype}, input ${idx[0]} ${first.dtype}`);
    }
    return { dtype: first.dtype, shapes: inputs };
  };
  return {
    opType,
    cost: REWIRE_COST,
    evaluate(node, inputs) {
      const { dtype, shapes } = shapesOf(node, inputs);
      const param: Params = (i, what) => (node.inputs[i] && inputs[i] ? intsOf(node, inputs[i]!, i, what) : undefined);
      return plan(node, shapes, param).map((w): IntTensor => ({
        dtype, dims: w.dims,
        data: w.src.map((s, j) => (s < 0 ? w.fill ?? 0 : inputs[w.from?.[j] ?? 0]!.data[s])),
      }));
    },
    lower(node, inputs) {
      const { dtype, shapes } = shapesOf(node, inputs);
      const param: Params = (i, what) => {
        if (!node.inputs[i]) return undefined;
        const t = input(node, inputs, i);
        if (t.kind !== "const") fail(node, `input ${i} (${node.inputs[i]}, ${what}) must be a constant; one computed at run time is not supported`);
        return intsOf(node, t, i, what);
      };
      return plan(node, shapes, param).map((w): SymTensor => {
        const used = new Set(w.from ?? [0]);
        if ([...used].every((k) => inputs[k]!.kind === "const")) {
          const data = w.src.map((s, j) => (s < 0 ? w.fill ?? 0 : (inputs[w.from?.[j] ?? 0] as IntTensor).data[s]));
          return { kind: "const", dtype, dims: w.dims, data };
        }
        const elems = w.src.map((s, j): Lin => {
          const t = inputs[w.from?.[j] ?? 0]!;
          if (s < 0) return constLin(BigInt(w.fill ?? 0));
          return t.kind === "sym" ? t.elems[s] : constLin(BigInt(t.data[s]));
        });
        return { kind: "sym", dtype, dims: w.dims, elems };
      });
    },
  };
}
