/**
 * The simplifier's working copy of a graph. Nodes are cloned so the caller's graph is never
 * touched, and each keeps its index in the ORIGINAL graph: refusals name the node the user
 * exported, not its position after earlier rewrites.
 */
import { ProverError } from "../errors.ts";
import type { Graph, Node, Tensor, ValueInfo } from "../onnx/graph.ts";
import { nodeWhere } from "./kernels.ts";

export class Work {
  readonly name: string;
  readonly opset: number;
  readonly metadata: Record<string, string>;
  nodes: Node[];
  readonly inits: Map<string, Tensor>;
  readonly inputs: ValueInfo[];
  readonly outputs: ValueInfo[];
  /** Dims of every value, filled by constant folding (which is also shape inference). */
  readonly dims = new Map<string, number[]>();
  readonly notes: string[] = [];
  private readonly index = new Map<Node, number>();

  constructor(g: Graph) {
    this.name = g.name;
    this.opset = g.opset;
    this.metadata = { ...g.metadata };
    this.nodes = g.nodes.map((n, i) => {
      const copy: Node = { name: n.name, opType: n.opType, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } };
      this.index.set(copy, i);
      return copy;
    });
    this.inits = new Map(g.initializers);
    this.inputs = g.inputs.map((v) => ({ ...v, dims: [...v.dims] }));
    this.outputs = g.outputs.map((v) => ({ ...v, dims: [...v.dims] }));
  }

  /** `node <name> (#<original index>, <opType>)`. A node made here reports the index of the node it replaces. */
  where(node: Node): string {
    return nodeWhere(node.name, this.index.get(node) ?? -1, node.opType);
  }

  /** The node's index in the original graph (the one it replaces, for a node made here); -1 if unknown. */
  fileIndex(node: Node): number {
    return this.index.get(node) ?? -1;
  }

  refuse(node: Node, msg: string): never {
    throw new ProverError(`${this.where(node)}: ${msg}`);
  }

  /** Registers a node made by a rewrite, reporting as `origin` does. */
  adopt(node: Node, origin: Node): Node {
    this.index.set(node, this.index.get(origin) ?? -1);
    return node;
  }

  consumers(value: string): Node[] {
    return this.nodes.filter((n) => n.inputs.includes(value));
  }

  producer(value: string): Node | undefined {
    return this.nodes.find((n) => n.outputs.includes(value));
  }

  isOutput(value: string): boolean {
    return this.outputs.some((o) => o.name === value);
  }

  isInput(value: string): boolean {
    return this.inputs.some((i) => i.name === value);
  }

  /** Whether anything reads `value`: a node or the graph's outputs. */
  used(value: string): boolean {
    return value !== "" && (this.isOutput(value) || this.consumers(value).length > 0);
  }

  remove(node: Node): void {
    this.nodes = this.nodes.filter((n) => n !== node);
  }

  /** Renames a value wherever nodes read or write it. */
  rename(from: string, to: string): void {
    for (const n of this.nodes) {
      n.inputs = n.inputs.map((v) => (v === from ? to : v));
      n.outputs = n.outputs.map((v) => (v === from ? to : v));
    }
    const d = this.dims.get(from);
    if (d) this.dims.set(to, d);
  }

  /** A value name not used anywhere yet, derived from `base`. */
  fresh(base: string): string {
    const taken = (s: string) => this.inits.has(s) || this.isInput(s) || this.nodes.some((n) => n.inputs.includes(s) || n.outputs.includes(s));
    let name = base;
    for (let i = 1; taken(name); i++) name = `${base}_${i}`;
    return name;
  }

  toGraph(): Graph {
    return {
      name: this.name, opset: this.opset, metadata: this.metadata, nodes: this.nodes,
      initializers: this.inits, inputs: this.inputs, outputs: this.outputs,
    };
  }
}
