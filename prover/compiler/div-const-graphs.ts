/**
 * Test support: small integer ONNX graphs of the quantizer's means (a window or axis sum by a
 * depthwise ConvInteger or a ones MatMulInteger, an offset making it >= 0, Add(half), Div by
 * any constant, Sub, Cast), and divisions of values up to int32's maximum. Input "x" is int8
 * [1, n]. Not used outside tests.
 */
import type { DType, Graph, Node, Tensor } from "../onnx/graph.ts";
import { Rng } from "../../models/lib/rng.ts";

const ARRAYS: Record<string, (d: number[]) => Tensor["data"]> = {
  int8: (d) => Int8Array.from(d), uint8: (d) => Uint8Array.from(d), int32: (d) => Int32Array.from(d),
  int64: (d) => BigInt64Array.from(d, BigInt),
};
export const tensor = (dtype: DType, dims: number[], data: number[]): Tensor => ({ dtype, dims, data: ARRAYS[dtype](data) });
const scalar = (dtype: DType, v: number) => tensor(dtype, [], [v]);
export const node = (name: string, opType: string, inputs: string[], attrs: Node["attrs"] = {}): Node => ({ name, opType, inputs, outputs: [name], attrs });

export function graph(name: string, inDims: number[], out: [string, DType, number[]], nodes: Node[], inits: Record<string, Tensor>): Graph {
  return { name, opset: 17, metadata: {}, nodes, initializers: new Map(Object.entries(inits)), inputs: [{ name: "x", dtype: "int8", dims: inDims }], outputs: [{ name: out[0], dtype: out[1], dims: out[2] }] };
}

/** x + 128 as int32: [0, 255]. */
const shifted = (): Node[] => [node("c", "Cast", ["x"], { to: 6 }), node("u", "Add", ["c", "o128"])];

/** (x + 128 + half) / d for int8 x [1, n]: every remainder occurs when n >= d. */
export function smallDiv(d: number, n = 16): Graph {
  return graph(`div${d}`, [1, n], ["y", "int32", [1, n]], [...shifted(), node("h", "Add", ["u", "half"]), node("y", "Div", ["h", "d"])],
    { o128: scalar("int32", 128), half: scalar("int32", Math.floor(Math.abs(d) / 2)), d: scalar("int32", d) });
}

/**
 * v = K·(x·W1) + x·W2 + C per column, with K and C chosen so that v's bounds are [0, ~2^31 - 1]:
 * wide, varied dividends (x [1, 8], 4 columns), then / d.
 */
export function wideDiv(d: number, seed: number): Graph {
  const rng = new Rng(seed);
  const ints = (n: number, amp: number) => Array.from({ length: n }, () => Math.floor(rng.next() * (2 * amp + 1)) - amp);
  const W1 = ints(32, 3), W2 = ints(32, 127);
  const col = (W: number[], j: number) => {
    let lo = 0, hi = 0;
    for (let i = 0; i < 8; i++) { const w = W[i * 4 + j]; lo += Math.min(-128 * w, 127 * w); hi += Math.max(-128 * w, 127 * w); }
    return [lo, hi];
  };
  const K: number[] = [], C: number[] = [];
  for (let j = 0; j < 4; j++) {
    const [alo, ahi] = col(W1, j), [blo, bhi] = col(W2, j);
    K.push(Math.floor((2 ** 31 - 1 - (bhi - blo)) / Math.max(1, ahi - alo)));
    C.push(-(K[j] * alo + blo));
  }
  return graph(`wide/${d}`, [1, 8], ["y", "int32", [1, 4]], [
    node("a", "MatMulInteger", ["x", "W1"]), node("b", "MatMulInteger", ["x", "W2"]), node("ka", "Mul", ["a", "K"]),
    node("s", "Add", ["ka", "b"]), node("v", "Add", ["s", "C"]), node("y", "Div", ["v", "d"]),
  ], { W1: tensor("int8", [8, 4], W1), W2: tensor("int8", [8, 4], W2), K: tensor("int32", [4], K), C: tensor("int32", [4], C), d: scalar("int32", d) });
}

/** (x + 128)·8421504 + 127: 0 at x = -128, exactly 2^31 - 1 at x = 127; then / d. */
export function int32MaxDiv(d: number): Graph {
  return graph(`int32max/${d}`, [1, 8], ["y", "int32", [1, 8]], [...shifted(), node("m", "Mul", ["u", "k"]), node("v", "Add", ["m", "top"]), node("y", "Div", ["v", "d"])],
    { o128: scalar("int32", 128), k: scalar("int32", 8421504), top: scalar("int32", 127), d: scalar("int32", d) });
}

/** Div keeps its operand's type: uint8 (x + 128) / d and int8 Relu(x) / d. */
export function typedDiv(dtype: "uint8" | "int8", d: number): Graph {
  const pre = dtype === "uint8" ? [...shifted(), node("t", "Cast", ["u"], { to: 2 })] : [node("t", "Relu", ["x"])];
  return graph(`${dtype}/${d}`, [1, 16], ["y", dtype, [1, 16]], [...pre, node("y", "Div", ["t", "d"])], { o128: scalar("int32", 128), d: scalar(dtype, d) });
}

/**
 * The quantizer's AveragePool: x [1, C, 5, 5] (int8, or uint8 as x + 128), window sum by a
 * depthwise ConvInteger of ones (pads 1, strides 2), + 128·k² to be >= 0, + half, / k², - 128, Cast int8.
 */
export function avgPool(xType: "int8" | "uint8", wType: "int8" | "uint8", C = 2, k = 3): Graph {
  const pre: Node[] = xType === "uint8" ? [...shifted(), node("xin", "Cast", ["u"], { to: 2 })] : [node("xin", "Identity", ["x"])];
  const area = k * k, off = xType === "uint8" ? 0 : 128 * area, back = xType === "uint8" ? 0 : 128;
  const o = Math.floor((5 + 2 - k) / 2) + 1;
  return graph(`avgpool ${xType}·${wType} ${k}x${k}`, [1, C * 25], ["y", xType === "uint8" ? "uint8" : "int8", [1, C, o, o]], [
    ...pre, node("x4", "Reshape", ["xin", "shape"]),
    node("s", "ConvInteger", ["x4", "ones"], { group: C, kernel_shape: [k, k], pads: [1, 1, 1, 1], strides: [2, 2] }),
    node("p", "Add", ["s", "off"]), node("h", "Add", ["p", "half"]), node("q", "Div", ["h", "area"]), node("m", "Sub", ["q", "back"]),
    node("y", "Cast", ["m"], { to: xType === "uint8" ? 2 : 3 }),
  ], {
    o128: scalar("int32", 128), shape: tensor("int64", [4], [1, C, 5, 5]), ones: tensor(wType, [C, 1, k, k], new Array(C * area).fill(1)),
    off: scalar("int32", off), half: scalar("int32", Math.floor(area / 2)), area: scalar("int32", area), back: scalar("int32", back),
  });
}

/** A depthwise ConvInteger with random weights, channel multiplier 2, pads and strides 2 (no division). */
export function depthwise(xType: "int8" | "uint8", wType: "int8" | "uint8", seed: number): Graph {
  const rng = new Rng(seed), C = 2;
  const w = Array.from({ length: 2 * C * 9 }, () => (wType === "uint8" ? Math.floor(rng.next() * 256) : Math.floor(rng.next() * 256) - 128));
  const pre: Node[] = xType === "uint8" ? [...shifted(), node("xin", "Cast", ["u"], { to: 2 })] : [node("xin", "Identity", ["x"])];
  return graph(`depthwise ${xType}·${wType}`, [1, C * 25], ["y", "int32", [1, 2 * C, 3, 3]], [
    ...pre, node("x4", "Reshape", ["xin", "shape"]),
    node("y", "ConvInteger", ["x4", "w"], { group: C, kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [2, 2] }),
  ], { o128: scalar("int32", 128), shape: tensor("int64", [4], [1, C, 5, 5]), w: tensor(wType, [2 * C, 1, 3, 3], w) });
}

/** The quantizer's ReduceMean over 5 features: x [1, 10] as [2, 5], · ones [5, 1], + 640 + 2, / 5, - 128, Cast int8 (uint8 x: no offset, Cast uint8). */
export function meanOf5(xType: "int8" | "uint8", wType: "int8" | "uint8"): Graph {
  const pre: Node[] = xType === "uint8" ? [...shifted(), node("xin", "Cast", ["u"], { to: 2 })] : [node("xin", "Identity", ["x"])];
  const off = xType === "uint8" ? 0 : 640, back = xType === "uint8" ? 0 : 128;
  const out = xType === "uint8" ? "uint8" : "int8";
  return graph(`mean5 ${xType}·${wType}`, [1, 10], ["y", out, [2, 1]], [
    ...pre, node("x2", "Reshape", ["xin", "shape"]), node("s", "MatMulInteger", ["x2", "ones"]),
    node("p", "Add", ["s", "off"]), node("h", "Add", ["p", "half"]), node("q", "Div", ["h", "five"]), node("m", "Sub", ["q", "back"]),
    node("y", "Cast", ["m"], { to: out === "uint8" ? 2 : 3 }),
  ], {
    o128: scalar("int32", 128), shape: tensor("int64", [2], [2, 5]), ones: tensor(wType, [5, 1], [1, 1, 1, 1, 1]),
    off: scalar("int32", off), half: scalar("int32", 2), five: scalar("int32", 5), back: scalar("int32", back),
  });
}

/** Relu(x) (int8 [1, 16]) concatenated with constants, / d: constant elements divide exactly (-128 / -1 wraps to -128). */
export function concatDiv(d: number): Graph {
  return graph(`concat/${d}`, [1, 16], ["y", "int8", [1, 20]], [node("r", "Relu", ["x"]), node("c", "Concat", ["r", "k"], { axis: 1 }), node("y", "Div", ["c", "d"])],
    { k: tensor("int8", [1, 4], [-128, -7, 10, 127]), d: scalar("int8", d) });
}
