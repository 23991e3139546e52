/**
 * The quantizer's state while it walks a canonical float graph in order: what integer tensor
 * stands for each float value (its scale 2^shift and whether it is an int8/uint8 activation or
 * an int32 accumulator), the integer nodes and initializers written so far, and the two
 * conversions every op builds on:
 *   toAcc: any value → int32 at a scale at least its own: a Cast and a Mul by 2^d, both free in
 *          R1CS (this is how branches meeting at an Add, Concat or Max are aligned);
 *   toAct: an accumulator → int8 at the finest scale its calibrated range allows: the signed
 *          requant (Add offset + half → Relu → Div 2^k → Clip [0, 255] → Cast uint8, then Cast
 *          int32 → Sub 128 → Cast int8), one bit decomposition per element in the circuit.
 * A value read by several nodes is converted once (memoized), and a rounding constant is
 * folded into a linear layer's bias only when that layer's output has no other reader.
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node, Tensor } from "../onnx/graph.ts";
import { shiftFor, maxAbs } from "./scales.ts";
import type { FloatValues } from "./linear.ts";

/** What the integer graph holds for one float tensor. */
export interface QTensor {
  name: string;
  /** The float tensor it stands for: its calibrated range picks requant scales. */
  float: string;
  shift: number;
  /** act: int8 (uint8 when unsigned); acc: int32; index: an int64 ArgMax result (no scale). */
  kind: "act" | "acc" | "index";
  unsigned?: boolean;
  /** For an int32 accumulator: the bias initializer a later rounding constant may be folded into. */
  bias?: string;
  /** Never negative (after a Relu): a pool's mean needs no offset then. */
  nonneg?: boolean;
  /** The largest |integer value| it can take on any int8 input: what int32 must hold. */
  bound: number;
  dims: number[];
}

/** int8 activation bounds: -128..127, or 0..255 unsigned. */
export const actBound = (v: { unsigned?: boolean }): number => (v.unsigned ? 255 : 128);

export interface LayerReport {
  node: string;
  opType: string;
  weightShift?: number;
  /** Per-channel weight shifts, when the layer has them. */
  weightShifts?: number[];
  accShift?: number;
  outShift?: number;
  /** An activation's int8 index scale (its table's input). */
  inShift?: number;
  rescale?: number;
  maxAccumulator?: number;
  /** Shifts of the inputs where branches meet, and the common one. */
  aligned?: number[];
}

/** Largest int32 magnitude the quantizer lets a value reach (the rest is headroom for rounding constants). */
export const INT32_LIMIT = 2 ** 30;

export class QuantizeContext {
  readonly inits = new Map<string, Tensor>();
  readonly nodes: Node[] = [];
  readonly report: LayerReport[] = [];
  readonly q = new Map<string, QTensor>();
  private readonly readers = new Map<string, number>();
  private readonly actCache = new Map<string, QTensor>();
  private readonly accCache = new Map<string, QTensor>();
  private readonly names = new Set<string>();
  /** Upper bounds on the scale of values that meet others at a Concat/Max/Min (see capShifts). */
  readonly shiftCap = new Map<string, number>();
  private readonly emitted = new Set<string>();

  constructor(
    readonly float: Graph,
    readonly acts: FloatValues[],
    readonly coverage: number,
    readonly actType: "int8" | "uint8",
  ) {
    for (const n of float.nodes) for (const i of n.inputs) this.readers.set(i, (this.readers.get(i) ?? 0) + 1);
    for (const o of float.outputs) this.readers.set(o.name, (this.readers.get(o.name) ?? 0) + 1);
    for (const n of float.nodes) for (const o of n.outputs) this.names.add(o);
    for (const i of float.inputs) this.names.add(i.name);
  }

  /** The finest scale a value may take: its own range's, or lower where it meets other values. */
  capped(name: string, shift: number): number {
    return Math.min(shift, this.shiftCap.get(name) ?? Infinity);
  }

  /** How many nodes (and graph outputs) read a float value. */
  readersOf(name: string): number {
    return this.readers.get(name) ?? 0;
  }

  /** max |value| of a float tensor over the calibration data (or the coverage quantile). */
  private readonly ranges = new Map<string, number>();

  rangeOf(name: string): number {
    let r = this.ranges.get(name);
    if (r === undefined) this.ranges.set(name, (r = this.computeRange(name)));
    return r;
  }

  private computeRange(name: string): number {
    // Non-finite values (Log of 0 on a calibration input) saturate in the table; they do not set the scale.
    const finite = (d: ArrayLike<number>) => Array.from(d, Math.abs).filter(Number.isFinite);
    if (this.coverage >= 1) return this.acts.reduce((m, a) => Math.max(m, maxAbs(finite(a.get(name)?.data ?? []))), 0);
    const all = this.acts.flatMap((a) => finite(a.get(name)?.data ?? [])).sort((x, y) => x - y);
    return all[Math.min(all.length - 1, Math.floor(this.coverage * all.length))] ?? 0;
  }

  dimsOf(name: string): number[] {
    return this.acts[0].get(name)?.dims ?? [];
  }

  /** A name no float value or earlier integer node uses. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name) || this.float.initializers.has(name); k++) name = `${base}.${k}`;
    this.names.add(name);
    return name;
  }

  i32(name: string, v: number | ArrayLike<number>, dims: number[] = []): string {
    this.names.add(name);
    const data = typeof v === "number" ? Int32Array.from([v]) : Int32Array.from(v);
    this.inits.set(name, { dtype: "int32", dims, data });
    return name;
  }

  emit(opType: string, inputs: string[], output: string, attrs: Node["attrs"] = {}, name = output): string {
    if (this.emitted.has(output)) throw new ProverError(`internal: quantizer wrote ${output} twice`);
    this.emitted.add(output);
    this.names.add(output);
    this.nodes.push({ name, opType, inputs, outputs: [output], attrs });
    return output;
  }

  get(node: Node, where: string, idx = 0): QTensor {
    const t = this.q.get(node.inputs[idx]);
    if (!t) throw new ProverError(`${where}: input ${node.inputs[idx]} is not produced by a supported op before it`);
    if (t.kind === "index") throw new ProverError(`${where}: input ${node.inputs[idx]} is an ArgMax index; only a graph output may be one`);
    return t;
  }

  /** int32 at scale 2^shift (>= the value's): Cast and Mul by 2^(shift - v.shift), free in R1CS. */
  toAcc(v: QTensor, shift = v.shift, where = v.name): QTensor {
    if (shift < v.shift) throw new ProverError(`${where}: cannot align ${v.name} down to scale 2^${shift} for free`);
    const key = `${v.name}@${shift}`;
    const hit = this.accCache.get(key);
    if (hit) return hit;
    let name = v.name;
    if (v.kind !== "acc") name = this.emit("Cast", [name], this.fresh(`${v.name}.i32`), { to: 6 });
    const d = shift - v.shift;
    if (d > 0) {
      const bound = v.bound * 2 ** d;
      if (bound >= INT32_LIMIT) throw new ProverError(`${where}: aligning ${v.name} to scale 2^${shift} would overflow int32 (about ${Math.round(bound)})`);
      name = this.emit("Mul", [name, this.i32(this.fresh(`${v.name}.align${d}`), 2 ** d)], this.fresh(`${v.name}.s${shift}`));
    }
    const out: QTensor = { name, float: v.float, shift, kind: "acc", dims: v.dims, bias: d === 0 && v.kind === "acc" ? v.bias : undefined, bound: v.bound * 2 ** d, nonneg: v.nonneg };
    this.accCache.set(key, out);
    return out;
  }

  /**
   * Adds a rounding/offset constant to an accumulator: into its bias when `floatName` has one
   * reader and the accumulator still ends at that bias, else as an explicit Add (free as well).
   */
  addConstant(v: QTensor, c: number, floatName: string, where: string): string {
    if (c === 0) return v.name;
    if (v.bias && this.readersOf(floatName) === 1) {
      const b = this.inits.get(v.bias)!;
      b.data = Int32Array.from(b.data as Int32Array, (x) => {
        if (Math.abs(x + c) >= INT32_LIMIT) throw new ProverError(`${where}: the bias plus the rounding constant ${c} overflows; lower the input scale`);
        return x + c;
      });
      return v.name;
    }
    return this.emit("Add", [v.name, this.i32(this.fresh(`${v.name}.plus`), c)], this.fresh(`${v.name}.r`));
  }

  /**
   * The signed requant of an accumulator to int8 as offset uint8 u = q + 128, q =
   * clamp(round(acc / 2^k), -128, 127): returns the uint8 tensor's name. k = acc.shift - sOut.
   */
  requantOffset(v: QTensor, sOut: number, floatName: string, where: string, prefix: string): string {
    if (v.shift < sOut) throw new ProverError(`${where}: internal: requant to a finer scale`);
    // onnxruntime drops a Div by 1 and then fails to fuse the int32 Relu → Clip left behind:
    // one free doubling makes the rescale a Div by 2.
    if (v.shift === sOut) v = this.toAcc(v, v.shift + 1, where);
    const k = v.shift - sOut;
    const offset = (k > 0 ? 2 ** (k - 1) : 0) + 128 * 2 ** k;
    const x = this.addConstant(v, offset, floatName, where);
    const r = this.emit("Relu", [x], this.fresh(`${prefix}.r`));
    const dq = this.emit("Div", [r, this.i32(this.fresh(`${prefix}.div`), 2 ** k)], this.fresh(`${prefix}.q`));
    const c = this.emit("Clip", [dq, this.i32(this.fresh(`${prefix}.lo`), 0), this.i32(this.fresh(`${prefix}.hi`), 255)], this.fresh(`${prefix}.c`));
    return this.emit("Cast", [c], this.fresh(`${prefix}.u`), { to: 2 });
  }

  /** The value as an int8/uint8 activation; an accumulator is requantized once (at `shift` if given). */
  toAct(v: QTensor, where: string, shift?: number): QTensor {
    if (v.kind === "act") return v;
    const sOut = shift ?? this.capped(v.float, Math.min(shiftFor(this.rangeOf(v.float), 128), v.shift));
    const key = `${v.name}@${sOut}`;
    const hit = this.actCache.get(key);
    if (hit) return hit;
    const p = this.fresh(`${v.name}.requant`);
    const u = this.requantOffset(v, sOut, v.float, where, p);
    const w = this.emit("Cast", [u], this.fresh(`${p}.w`), { to: 6 });
    const s = this.emit("Sub", [w, this.i32(this.fresh(`${p}.zero`), 128)], this.fresh(`${p}.s`));
    const name = this.emit("Cast", [s], this.fresh(`${p}.i8`), { to: 3 });
    const out: QTensor = { name, float: v.float, shift: sOut, kind: "act", dims: v.dims, bound: 128 };
    this.report.push({ node: v.float, opType: "Requant", accShift: v.shift, outShift: sOut, rescale: v.shift - sOut });
    this.actCache.set(key, out);
    return out;
  }
}
