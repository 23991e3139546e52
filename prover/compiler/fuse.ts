/**
 * The fusion pass: a Relu followed by Div(2^k), Clip and Cast, in that order, each consuming
 * only the previous one's output, becomes one zkinfer.Requant node, so the chain costs one bit
 * decomposition. The fused node computes exactly relu → truncating div → clip → cast, so a
 * step is fused only when it fits that order and every operand is a known scalar constant;
 * anything else ends the chain and is lowered (or refused) on its own. The original graph
 * (what onnxruntime runs) is never changed.
 */
import type { Graph, Node } from "../onnx/graph.ts";

/** A node to lower, with the index of its (first) ONNX node in the graph, for error messages. */
export type FusedNode = Node & { index: number };

function consumers(graph: Graph, name: string): Node[] {
  return graph.nodes.filter((n) => n.inputs.includes(name));
}

/**
 * The value of a scalar initializer; undefined for anything else (a value computed by a node,
 * a graph input, a tensor of more than one element or of a rank that could broadcast the
 * other operand to a new shape).
 */
function scalarInit(graph: Graph, name: string, variable: ReadonlySet<string>): number | undefined {
  if (variable.has(name)) return undefined;
  const t = graph.initializers.get(name);
  return t && t.data.length === 1 && t.dims.length <= 1 ? Number(t.data[0]) : undefined;
}

/** An optional operand: absent, or a scalar initializer; `false` when it is present but not one. */
function optionalScalar(graph: Graph, name: string | undefined, variable: ReadonlySet<string>): number | undefined | false {
  if (!name) return undefined;
  return scalarInit(graph, name, variable) ?? false;
}

/**
 * `variable`: initializers that are circuit inputs (hashed weights), never to be baked in as
 * constants. Example: `fuseRequant(graph, new Set(["W1", "b1"]))`
 */
export function fuseRequant(graph: Graph, variable: ReadonlySet<string> = new Set()): FusedNode[] {
  const out: FusedNode[] = [];
  const skip = new Set<Node>();
  const isOutput = (name: string) => graph.outputs.some((o) => o.name === name);
  graph.nodes.forEach((node, index) => {
    if (skip.has(node)) return;
    if (node.opType !== "Relu" || node.domain) {
      out.push({ ...node, index });
      return;
    }
    // No dtype unless a Cast is fused: the node then keeps its input's type (see ops/requant.ts).
    const attrs: Record<string, number | string> = { relu: 1, shift: 0 };
    const fused = [node.name];
    let tail = node, divided = false, clipped = false;
    for (;;) {
      const next = consumers(graph, tail.outputs[0]);
      if (next.length !== 1 || isOutput(tail.outputs[0])) break;
      const n = next[0];
      if (n.domain || n.inputs[0] !== tail.outputs[0] || n.inputs.slice(1).includes(tail.outputs[0]) || n.outputs.length !== 1) break;
      if (n.opType === "Div") {
        // relu → div comes before any clip: clip then divide is another function.
        if (divided || clipped) break;
        const d = scalarInit(graph, n.inputs[1], variable);
        if (d === undefined || d < 1 || !Number.isInteger(Math.log2(d))) break;
        attrs.shift = Math.log2(d);
        divided = true;
      } else if (n.opType === "Clip") {
        // One clip only: clip(clip(x, a, b), c, d) is not clip(x, c, d).
        if (clipped || n.attrs.min !== undefined || n.attrs.max !== undefined) break;
        const lo = optionalScalar(graph, n.inputs[1], variable), hi = optionalScalar(graph, n.inputs[2], variable);
        if (lo === false || hi === false) break;
        if (lo !== undefined) attrs.lo = lo;
        if (hi !== undefined) attrs.hi = hi;
        clipped = true;
      } else if (n.opType === "Cast" && [2, 3, 6].includes(Number(n.attrs.to))) {
        const to = Number(n.attrs.to);
        // A narrowing cast is exact only if the value is already in range (it is >= 0 after the relu).
        const max = to === 3 ? 127 : to === 2 ? 255 : 2 ** 31 - 1;
        if (attrs.hi === undefined || Number(attrs.hi) > max) break;
        attrs.dtype = to === 3 ? "int8" : to === 2 ? "uint8" : "int32";
        fused.push(n.name);
        skip.add(n);
        tail = n;
        break;
      } else break;
      fused.push(n.name);
      skip.add(n);
      tail = n;
    }
    out.push({
      name: fused.join("+"),
      opType: fused.length === 1 ? "Relu" : "zkinfer.Requant",
      inputs: [node.inputs[0]],
      outputs: [tail.outputs[0]],
      attrs: fused.length === 1 ? node.attrs : attrs,
      index,
    });
  });
  return out;
}
