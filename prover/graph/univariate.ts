/**
 * Univariate activations as one canonical node. Every element-wise nonlinearity the quantizer
 * serves by a lookup table (Sigmoid, Tanh, LeakyRelu, HardSwish, Clip with constant bounds, ...)
 * and the multi-node patterns exporters emit for GELU (erf and tanh forms) and SiLU become one
 * `Univariate` node whose attribute `fn` names its float function; the node's other attributes
 * are the original op's (Clip's constant bounds become attributes min/max).
 *
 * A pattern is found without assuming a node order: from a value x, the region is every
 * element-wise node (Add, Sub, Mul, Div, Pow, Erf, Tanh, Sigmoid) computing from x and scalar
 * constants only; if it has one result read outside, it is a function of x alone, and it is
 * fused when it agrees with GELU or SiLU on a grid of points. This runs before constant folding
 * (GELU's Div by sqrt 2 on a run-time value is not foldable), so scalar constants are read from
 * initializers and Constant nodes.
 */
import type { Node, Tensor } from "../onnx/graph.ts";
import { Abs, Celu, Clip, Elu, Erf, Exp, HardSigmoid, HardSwish, LeakyRelu, Log, Mish, Reciprocal, Selu, Sigmoid, Sign, Softplus, Softsign, Sqrt, Tanh, erf, sigmoid } from "./kernels-activation.ts";
import { PRelu } from "./kernels-elementwise.ts";
import { first, type FloatOp, type FloatValue } from "./value.ts";
import type { Work } from "./work.ts";

export const UNIVARIATE = "Univariate";

const SINGLE: ReadonlyMap<string, FloatOp> = new Map(
  [Sigmoid, Tanh, Erf, LeakyRelu, Elu, Softplus, HardSigmoid, HardSwish, Clip, Selu, Celu, Softsign, Mish, Exp, Log, Sqrt, Reciprocal, Abs, Sign].map((k) => [k.opType, k]),
);

/** The composite functions recognised from their exported patterns. */
const COMPOSITE: Record<string, (x: number) => number> = {
  Gelu: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)),
  GeluTanh: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))),
  Silu: (x) => x * sigmoid(x),
};

/** The functions a Univariate node may carry. PRelu with a slope per channel keeps the slope as input 1: one table per slope. */
export const UNIVARIATE_FUNCTIONS: readonly string[] = [...SINGLE.keys(), ...Object.keys(COMPOSITE), "PRelu"];

/** The float function of a Univariate node. Example: `univariateFunction(node)(0.5)`. */
export function univariateFunction(node: Node): (x: number) => number {
  const fn = String(node.attrs.fn);
  if (fn === "PRelu") return preluFunction(Number(node.attrs.slope));
  const composite = COMPOSITE[fn];
  if (composite) return composite;
  const k = SINGLE.get(fn);
  if (!k) throw new Error(`node ${node.name}: unknown univariate function ${fn}`);
  // Opset 10: Clip reads its bounds from the min/max attributes the fusion wrote.
  const inner: Node = { ...node, opType: fn, inputs: [node.inputs[0]] };
  const ctx = { opset: 10, where: node.name };
  return (x) => k.run(inner, [{ dims: [1], data: Float64Array.of(x), kind: "float" }], ctx)[0].data[0];
}

/** PRelu with one slope: x for x >= 0, slope * x below. */
export const preluFunction = (slope: number) => (x: number) => (x < 0 ? slope * x : x);

export const UnivariateKernel: FloatOp = {
  opType: UNIVARIATE,
  shape: (_n, ins, ctx) => [{ dims: first(ins, ctx).dims, kind: "float" }],
  run(node, ins, ctx) {
    if (node.attrs.fn === "PRelu" && node.inputs[1]) return PRelu.run({ ...node, opType: "PRelu" }, ins, ctx);
    const x = first(ins, ctx) as FloatValue;
    return [{ dims: x.dims, data: x.data.map(univariateFunction(node)), kind: "float" }];
  },
};

const REGION_OPS = new Set(["Add", "Sub", "Mul", "Div", "Pow", "Erf", "Tanh", "Sigmoid"]);
const NONLINEAR = new Set(["Erf", "Tanh", "Sigmoid"]);

/** A scalar constant: a one-element initializer or Constant node output. */
function scalar(w: Work, name: string): number | undefined {
  const t = w.inits.get(name) ?? (w.producer(name)?.opType === "Constant" ? (w.producer(name)!.attrs.value as Tensor | undefined) : undefined);
  return t && t.data.length === 1 && t.dims.length <= 1 ? Number(t.data[0]) : undefined;
}

function evalRegion(w: Work, x: string, nodes: Node[], end: string, v: number): number {
  const vals = new Map<string, number>([[x, v]]);
  const get = (n: string) => vals.get(n) ?? scalar(w, n)!;
  for (const n of nodes) {
    const [a, b] = [get(n.inputs[0]), n.inputs[1] === undefined ? 0 : get(n.inputs[1])];
    const r = { Add: a + b, Sub: a - b, Mul: a * b, Div: a / b, Pow: a ** b, Erf: erf(a), Tanh: Math.tanh(a), Sigmoid: sigmoid(a) }[n.opType]!;
    vals.set(n.outputs[0], r);
  }
  return vals.get(end)!;
}

/** The nodes (in graph order) computing from x and scalar constants alone, and their one result read outside. */
function region(w: Work, x: string): { nodes: Node[]; end: string } | undefined {
  const inside = new Set<Node>();
  const values = new Set([x]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of w.nodes) {
      if (inside.has(n) || !REGION_OPS.has(n.opType) || n.outputs.length !== 1) continue;
      if (!n.inputs.some((i) => values.has(i))) continue;
      if (!n.inputs.every((i) => values.has(i) || scalar(w, i) !== undefined)) continue;
      inside.add(n);
      values.add(n.outputs[0]);
      grew = true;
    }
  }
  const nodes = w.nodes.filter((n) => inside.has(n));
  if (nodes.length < 2 || !nodes.some((n) => NONLINEAR.has(n.opType))) return undefined;
  const results = nodes.map((n) => n.outputs[0]).filter((o) => w.isOutput(o) || w.consumers(o).some((c) => !inside.has(c)));
  return results.length === 1 ? { nodes, end: results[0] } : undefined;
}

/** The composite function the region computes, if any (checked on [-8, 8] by steps of 1/8). */
function matchComposite(w: Work, x: string, r: { nodes: Node[]; end: string }): string | undefined {
  return Object.keys(COMPOSITE).find((fn) => {
    for (let v = -8; v <= 8; v += 0.125) {
      if (!(Math.abs(evalRegion(w, x, r.nodes, r.end, v) - COMPOSITE[fn](v)) <= 2e-6 * (1 + Math.abs(v)))) return false;
    }
    return true;
  });
}

function fusePatterns(w: Work): void {
  const starts = [...w.inputs.map((v) => v.name), ...w.nodes.filter((n) => !REGION_OPS.has(n.opType)).flatMap((n) => n.outputs)];
  for (const x of starts) {
    const r = region(w, x);
    if (!r) continue;
    const fn = matchComposite(w, x, r);
    if (!fn) continue;
    const last = r.nodes[r.nodes.length - 1];
    const node: Node = w.adopt({ name: last.name, opType: UNIVARIATE, inputs: [x], outputs: [r.end], attrs: { fn } }, r.nodes[0]);
    w.nodes.splice(w.nodes.indexOf(last), 1, node);
    for (const n of r.nodes.slice(0, -1)) w.remove(n);
    w.notes.push(`${r.nodes.length} nodes (${r.nodes.map((n) => n.opType).join(", ")}) from ${x} recognised as ${fn}`);
  }
}

/**
 * Replaces GELU/SiLU patterns and the single univariate ops by Univariate nodes, in place.
 * A Clip whose bounds are not constant is left alone (and refused later as unsupported).
 */
export function fuseActivations(w: Work): void {
  fusePatterns(w);
  w.nodes = w.nodes.map((n) => {
    if (n.opType === "PRelu" && !n.domain) {
      // A constant slope: one table (a scalar slope) or one table per distinct slope.
      const one = scalar(w, n.inputs[1]);
      const constant = w.inits.has(n.inputs[1]) || w.producer(n.inputs[1])?.opType === "Constant";
      if (!constant) return n;
      const inputs = one === undefined ? [n.inputs[0], n.inputs[1]] : [n.inputs[0]];
      return w.adopt({ name: n.name, opType: UNIVARIATE, inputs, outputs: [n.outputs[0]], attrs: one === undefined ? { fn: "PRelu" } : { fn: "PRelu", slope: one } }, n);
    }
    if (!SINGLE.has(n.opType) || n.domain) return n;
    const attrs: Node["attrs"] = { ...n.attrs, fn: n.opType };
    if (n.opType === "Clip" && w.opset >= 11) {
      const lo = n.inputs[1] ? scalar(w, n.inputs[1]) : -Infinity, hi = n.inputs[2] ? scalar(w, n.inputs[2]) : Infinity;
      if (lo === undefined || hi === undefined) return n;
      if (lo !== -Infinity) attrs.min = lo;
      if (hi !== Infinity) attrs.max = hi;
    }
    return w.adopt({ name: n.name, opType: UNIVARIATE, inputs: [n.inputs[0]], outputs: [n.outputs[0]], attrs }, n);
  });
}
