/**
 * Where values meet or are scaled: Add/Sub/Max/Min/Concat of run-time values (residual
 * connections, skip concatenations, branches that merge), arithmetic with constants (a
 * BatchNormalization kept as a per-channel affine, a scaled residual), run-time Mul and Neg.
 * Alignment is free: each branch is cast to int32 and multiplied by 2^d up to the finest scale
 * among them (context.ts toAcc); like int8 values (one scale, one type) meet as they are.
 */
import { ProverError } from "../errors.ts";
import type { Node, Tensor } from "../onnx/graph.ts";
import { maxAbs, shiftFor } from "./scales.ts";
import { INT32_LIMIT, type QTensor, type QuantizeContext } from "./context.ts";

export const MERGE_OPS: readonly string[] = ["Add", "Sub", "Mul", "Div", "Max", "Min", "Concat", "Neg"];

function floatConst(ctx: QuantizeContext, name: string): Float64Array | undefined {
  const t = ctx.float.initializers.get(name);
  return t ? Float64Array.from(t.data as ArrayLike<number>, Number) : undefined;
}

function constDims(ctx: QuantizeContext, name: string): number[] {
  return ctx.float.initializers.get(name)!.dims;
}

/** A constant at scale 2^shift as an initializer of `dtype`; refuses values the type cannot hold. */
function quantConst(ctx: QuantizeContext, name: string, shift: number, dtype: "int8" | "uint8" | "int32", where: string): string {
  const c = floatConst(ctx, name)!;
  const q = Array.from(c, (v) => Math.round(v * 2 ** shift));
  const [lo, hi] = dtype === "int8" ? [-128, 127] : dtype === "uint8" ? [0, 255] : [-INT32_LIMIT, INT32_LIMIT];
  if (q.some((v) => v < lo || v > hi)) throw new ProverError(`${where}: constant ${name} does not fit ${dtype} at scale 2^${shift}`);
  const out = ctx.fresh(`${name}.q${shift}`);
  const data = dtype === "int8" ? Int8Array.from(q) : dtype === "uint8" ? Uint8Array.from(q) : Int32Array.from(q);
  ctx.inits.set(out, { dtype, dims: constDims(ctx, name), data } as Tensor);
  return out;
}

function set(ctx: QuantizeContext, out: string, v: Omit<QTensor, "name" | "float" | "dims">): void {
  if (v.bound >= INT32_LIMIT) throw new ProverError(`node writing ${out}: int32 may overflow (bound ${v.bound}); lower the input scale`);
  ctx.q.set(out, { ...v, name: out, float: out, dims: ctx.dimsOf(out) });
}

function addSub(ctx: QuantizeContext, node: Node, where: string): void {
  const out = node.outputs[0];
  const consts = node.inputs.map((n) => ctx.float.initializers.has(n));
  if (consts[0] && consts[1]) throw new ProverError(`${where}: both operands are constants (they should have been folded)`);
  if (!consts[0] && !consts[1]) {
    const a = ctx.get(node, where, 0), b = ctx.get(node, where, 1);
    const s = Math.max(a.shift, b.shift);
    const A = ctx.toAcc(a, s, where), B = ctx.toAcc(b, s, where);
    ctx.emit(node.opType, [A.name, B.name], out, {}, node.name);
    set(ctx, out, { shift: s, kind: "acc", bound: A.bound + B.bound, nonneg: node.opType === "Add" && a.nonneg && b.nonneg });
    ctx.report.push({ node: node.name, opType: node.opType, aligned: [a.shift, b.shift], accShift: s });
    return;
  }
  const xi = consts[0] ? 1 : 0;
  const x = ctx.get(node, where, xi);
  // An int8 value gains 6 bits of scale first, so the constant is not rounded to its coarse grid.
  const X = x.kind === "acc" ? x : ctx.toAcc(x, x.shift + 6, where);
  const cName = node.inputs[1 - xi];
  const cq = quantConst(ctx, cName, X.shift, "int32", where);
  const cmax = maxAbs(floatConst(ctx, cName)!) * 2 ** X.shift;
  ctx.emit(node.opType, xi === 0 ? [X.name, cq] : [cq, X.name], out, {}, node.name);
  set(ctx, out, { shift: X.shift, kind: "acc", bound: X.bound + Math.ceil(cmax) });
}

function mul(ctx: QuantizeContext, node: Node, where: string): void {
  const out = node.outputs[0];
  const consts = node.inputs.map((n) => ctx.float.initializers.has(n));
  if (node.opType === "Div" && consts[0]) throw new ProverError(`${where}: division by a run-time value is not supported (only by a constant)`);
  if (!consts[0] && !consts[1]) {
    if (node.opType === "Div") throw new ProverError(`${where}: division by a run-time value is not supported (only by a constant)`);
    const a = ctx.toAct(ctx.get(node, where, 0), where), b = ctx.toAct(ctx.get(node, where, 1), where);
    const A = ctx.toAcc(a, a.shift, where), B = ctx.toAcc(b, b.shift, where);
    ctx.emit("Mul", [A.name, B.name], out, {}, node.name);
    set(ctx, out, { shift: a.shift + b.shift, kind: "acc", bound: a.bound * b.bound, nonneg: a.nonneg && b.nonneg });
    return;
  }
  const xi = consts[0] ? 1 : 0;
  let x = ctx.get(node, where, xi);
  const cName = node.inputs[1 - xi];
  let c = floatConst(ctx, cName)!;
  if (node.opType === "Div") {
    if (c.some((v) => v === 0)) throw new ProverError(`${where}: division by a constant 0`);
    c = c.map((v) => 1 / v);
  }
  const cm = maxAbs(c);
  if (cm === 0) throw new ProverError(`${where}: multiplication by a constant 0 (the output does not depend on the input)`);
  // Up to 15 bits for the constant, as int32 allows; an accumulator too large to leave it 6 is requantized first.
  const fit = (v: QTensor) => Math.min(shiftFor(cm, 2 ** 15 - 1), Math.floor(Math.log2((INT32_LIMIT - 1) / (v.bound * cm))));
  if (x.kind === "acc" && cm * 2 ** fit(x) < 64) x = ctx.toAct(x, where);
  const X = ctx.toAcc(x, x.shift, where);
  const sc = fit(X);
  const q = Array.from(c, (v) => Math.round(v * 2 ** sc));
  const cq = ctx.i32(ctx.fresh(`${cName}.q${sc}`), q, constDims(ctx, cName));
  ctx.emit("Mul", xi === 0 ? [X.name, cq] : [cq, X.name], out, {}, node.name);
  set(ctx, out, { shift: X.shift + sc, kind: "acc", bound: X.bound * Math.max(...q.map(Math.abs)), nonneg: X.nonneg && q.every((v) => v >= 0) });
}

/**
 * A constant of Max/Min/Concat as int8/uint8 at scale 2^s0, or undefined when it does not fit.
 * One beyond the range on the side the op never picks (Min with a cap above every int8 value,
 * Max with a floor below) is clamped to the range's end: the result is the same (Keras' ReLU6
 * as Relu + Min 6, at a scale where 6 is past 127).
 */
function meetConst(ctx: QuantizeContext, node: Node, name: string, s0: number, unsigned: boolean): number[] | undefined {
  const [lo, hi] = unsigned ? [0, 255] : [-128, 127];
  const q = Array.from(floatConst(ctx, name)!, (v) => Math.round(v * 2 ** s0));
  const out = q.map((v) => (node.opType === "Min" && v > hi ? hi : node.opType === "Max" && v < lo ? lo : v));
  return out.every((v) => v >= lo && v <= hi) ? out : undefined;
}

/** Max, Min, Concat: like int8 inputs meet as they are, others in int32 at the finest scale. */
function meet(ctx: QuantizeContext, node: Node, where: string): void {
  const out = node.outputs[0];
  const run = node.inputs.map((n, k) => (ctx.float.initializers.has(n) ? undefined : ctx.get(node, where, k)));
  const vals = run.filter((v): v is QTensor => v !== undefined);
  if (vals.length === 0) throw new ProverError(`${where}: every input is a constant (it should have been folded)`);
  const attrs: Node["attrs"] = node.opType === "Concat" ? { axis: node.attrs.axis } : {};
  // Never negative: Max when any input is (it picks at least that), Min and Concat when all are.
  const nonnegs = node.inputs.map((n, k) => (run[k] ? !!run[k]!.nonneg : floatConst(ctx, n)!.every((v) => v >= 0)));
  const nonneg = node.opType === "Max" ? nonnegs.some(Boolean) : nonnegs.every(Boolean);
  const acts = vals.filter((v) => v.kind === "act");
  const s0 = acts[0]?.shift;
  const unsigned = !!acts[0]?.unsigned;
  const alike = acts.length > 0 && acts.every((v) => v.shift === s0 && !!v.unsigned === unsigned);
  const consts = node.inputs.map((n, k) => (run[k] || !alike ? undefined : meetConst(ctx, node, n, s0!, unsigned)));
  const constsFit = node.inputs.every((_, k) => run[k] || consts[k]);
  // int32 inputs join like int8 ones when their calibrated range fits that scale (one requant each).
  const joinable = alike && !unsigned && vals.every((v) => v.kind === "act" || (v.shift >= s0! && shiftFor(ctx.rangeOf(v.float), 128) >= s0!));
  if (constsFit && (joinable || (alike && acts.length === vals.length))) {
    const dtype = unsigned ? "uint8" : "int8";
    const ins = node.inputs.map((n, k) => {
      if (run[k]) return ctx.toAct(run[k]!, where, s0).name;
      const name = ctx.fresh(`${n}.q${s0}`);
      const dims = constDims(ctx, n);
      ctx.inits.set(name, { dtype, dims, data: unsigned ? Uint8Array.from(consts[k]!) : Int8Array.from(consts[k]!) } as Tensor);
      return name;
    });
    ctx.emit(node.opType, ins, out, attrs, node.name);
    set(ctx, out, { shift: s0!, kind: "act", unsigned, bound: unsigned ? 255 : 128, nonneg });
    ctx.report.push({ node: node.name, opType: node.opType, aligned: vals.map((v) => v.shift), outShift: s0 });
    return;
  }
  const s = Math.max(...vals.map((v) => v.shift));
  const ins = node.inputs.map((n, k) => run[k] ? ctx.toAcc(run[k]!, s, where) : undefined);
  const names = node.inputs.map((n, k) => ins[k]?.name ?? quantConst(ctx, n, s, "int32", where));
  ctx.emit(node.opType, names, out, attrs, node.name);
  const bound = Math.max(...ins.map((v) => v?.bound ?? 0), ...node.inputs.map((n, k) => (run[k] ? 0 : maxAbs(floatConst(ctx, n)!) * 2 ** s)));
  set(ctx, out, { shift: s, kind: "acc", bound: Math.ceil(bound), nonneg });
  ctx.report.push({ node: node.name, opType: node.opType, aligned: vals.map((v) => v.shift), accShift: s });
}

function neg(ctx: QuantizeContext, node: Node, where: string): void {
  const X = ctx.toAcc(ctx.get(node, where), undefined, where);
  ctx.emit("Neg", [X.name], node.outputs[0], {}, node.name);
  set(ctx, node.outputs[0], { shift: X.shift, kind: "acc", bound: X.bound });
}

export function quantizeMerge(ctx: QuantizeContext, node: Node, where: string): void {
  switch (node.opType) {
    case "Add": case "Sub": return addSub(ctx, node, where);
    case "Mul": case "Div": return mul(ctx, node, where);
    case "Neg": return neg(ctx, node, where);
    default: return meet(ctx, node, where);
  }
}
