/**
 * The value type of the float evaluator and of shape inference, plus the small helpers every
 * kernel shares (attributes, axes, broadcasting). Every tensor is held as Float64Array: float
 * activations lose nothing, and int64 shape tensors stay exact far beyond any real dimension.
 */
import { ProverError } from "../errors.ts";
import { tensor, tensorSize, type Node, type Tensor } from "../onnx/graph.ts";

/** "int" marks tensors ONNX holds as integers (shapes, indices): Div truncates on them. */
export type Kind = "float" | "int";

/** A tensor with its values, as evaluateFloat returns them. */
export interface FloatValue {
  dims: number[];
  data: Float64Array;
  kind: Kind;
}

/** What shape inference knows of a value: always its dims, its data when it is a constant. */
export interface ValueShape {
  dims: number[];
  kind: Kind;
  data?: Float64Array;
}

/** Passed to every kernel: the opset decides attribute-vs-input forms, `where` names the node. */
export interface OpContext {
  opset: number;
  where: string;
}

export const size = tensorSize;

const converted = new WeakMap<Tensor, FloatValue>();

/** An initializer as a FloatValue; cached, since calibration evaluates the graph ~1000 times. */
export function fromTensor(t: Tensor): FloatValue {
  let v = converted.get(t);
  if (!v) {
    const kind: Kind = t.dtype === "float32" ? "float" : "int";
    v = { dims: [...t.dims], data: Float64Array.from(t.data as ArrayLike<number | bigint>, Number), kind };
    converted.set(t, v);
  }
  return v;
}

/** A folded constant as an initializer: floats as float32, integers as int64 (what Reshape wants). */
export function toTensor(v: FloatValue): Tensor {
  if (v.kind === "float") return tensor("float32", [...v.dims], Float32Array.from(v.data));
  return tensor("int64", [...v.dims], BigInt64Array.from(v.data, (x) => BigInt(Math.trunc(x))));
}

export function fail(ctx: OpContext, msg: string): never {
  throw new ProverError(`${ctx.where}: ${msg}`);
}

export function intAttr(node: Node, name: string, dflt: number): number {
  const v = node.attrs[name];
  return typeof v === "number" ? v : dflt;
}

/** readOnnx gives int and float attributes alike as numbers; the name says which is meant. */
export function floatAttr(node: Node, name: string, dflt: number): number {
  return intAttr(node, name, dflt);
}

export function intsAttr(node: Node, name: string): number[] | undefined {
  const v = node.attrs[name];
  if (Array.isArray(v)) return v;
  return typeof v === "number" ? [v] : undefined;
}

export function strAttr(node: Node, name: string, dflt: string): string {
  const v = node.attrs[name];
  return typeof v === "string" ? v : dflt;
}

/** Normalises a possibly negative axis against a rank, refusing one out of range. */
export function normAxis(axis: number, rank: number, ctx: OpContext): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) fail(ctx, `axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** The integer values of an input that must be a constant (a shape, axes, indices). */
export function constInts(v: ValueShape | undefined, what: string, ctx: OpContext): number[] {
  if (!v) fail(ctx, `${what} is missing`);
  if (!v.data) fail(ctx, `${what} must be a constant (an initializer or computable at compile time)`);
  return Array.from(v.data);
}

/** Numpy-style (multidirectional) broadcast of two shapes. */
export function broadcastDims(a: number[], b: number[], ctx: OpContext): number[] {
  const r = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = a[a.length - r + i] ?? 1, y = b[b.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) fail(ctx, `shapes [${a}] and [${b}] do not broadcast`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Element strides of `dims` read as broadcast into `out` (0 along broadcast axes). */
export function broadcastStrides(dims: number[], out: number[]): number[] {
  const strides = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    const o = out.length - dims.length + i;
    strides[o] = dims[i] === 1 ? 0 : s;
    s *= dims[i];
  }
  return strides;
}

/** One op of the float evaluator. */
export interface FloatOp {
  opType: string;
  /** Output dims from input dims (and constant inputs); absent for ops only ever folded. */
  shape?(node: Node, ins: (ValueShape | undefined)[], ctx: OpContext): ValueShape[];
  run(node: Node, ins: (FloatValue | undefined)[], ctx: OpContext): FloatValue[];
}

/** The first input, which every kernel needs. */
export function first<T>(ins: (T | undefined)[], ctx: OpContext): T {
  if (!ins[0]) fail(ctx, "input 0 is missing");
  return ins[0];
}
