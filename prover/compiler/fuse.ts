/**
 * The fusion pass: a Relu followed by Div(2^k), Clip and Cast, each consuming only the
 * previous one's output, becomes one zkinfer.Requant node, so the chain costs one bit
 * decomposition. The original graph (what onnxruntime runs) is never changed.
 */
import type { Graph, Node } from "../onnx/graph.ts";

function consumers(graph: Graph, name: string): Node[] {
  return graph.nodes.filter((n) => n.inputs.includes(name));
}

function scalar(graph: Graph, name: string | undefined): number | undefined {
  const t = name ? graph.initializers.get(name) : undefined;
  return t && t.data.length === 1 ? Number(t.data[0]) : undefined;
}

export function fuseRequant(graph: Graph): Node[] {
  const out: Node[] = [];
  const skip = new Set<Node>();
  const isOutput = (name: string) => graph.outputs.some((o) => o.name === name);
  for (const node of graph.nodes) {
    if (skip.has(node)) continue;
    if (node.opType !== "Relu") {
      out.push(node);
      continue;
    }
    const attrs: Record<string, number | string> = { relu: 1, shift: 0, dtype: "int32" };
    const fused = [node.name];
    let tail = node;
    for (;;) {
      const next = consumers(graph, tail.outputs[0]);
      if (next.length !== 1 || isOutput(tail.outputs[0])) break;
      const n = next[0];
      if (n.opType === "Div" && n.inputs[0] === tail.outputs[0] && attrs.lo === undefined) {
        const d = scalar(graph, n.inputs[1]);
        if (d === undefined || !Number.isInteger(Math.log2(d)) || d < 1 || attrs.shift !== 0) break;
        attrs.shift = Math.log2(d);
      } else if (n.opType === "Clip" && n.inputs[0] === tail.outputs[0] && attrs.hi === undefined) {
        const lo = scalar(graph, n.inputs[1]) ?? (n.attrs.min as number | undefined);
        const hi = scalar(graph, n.inputs[2]) ?? (n.attrs.max as number | undefined);
        if (lo !== undefined) attrs.lo = lo;
        if (hi !== undefined) attrs.hi = hi;
      } else if (n.opType === "Cast" && [2, 3, 6].includes(Number(n.attrs.to))) {
        const to = Number(n.attrs.to);
        attrs.dtype = to === 3 ? "int8" : to === 2 ? "uint8" : "int32";
        // A narrowing cast is exact only if the value is already in range; the lowering checks bounds.
        const max = to === 3 ? 127 : to === 2 ? 255 : Infinity;
        if (attrs.hi === undefined || Number(attrs.hi) > max) break;
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
      attrs: fused.length === 1 ? {} : attrs,
    });
  }
  return out;
}
