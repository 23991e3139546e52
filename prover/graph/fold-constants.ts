/**
 * Constant folding and shape inference in one walk over the nodes. A node whose inputs are all
 * known at compile time is evaluated and disappears; Shape needs only its input's dims, which
 * are known statically (a symbolic graph-input dim, the batch, is taken as 1). Folded values
 * that remaining nodes read become initializers: `x.view(x.size(0), -1)` ends as a Reshape
 * with a constant shape.
 */
import { ProverError } from "../errors.ts";
import { FOLDED_OPS, kernelFor } from "./kernels.ts";
import { fromTensor, toTensor, type FloatValue, type ValueShape } from "./value.ts";
import type { Work } from "./work.ts";

/** Graph inputs with symbolic dims fixed to 1: zkinfer proves one input at a time. */
function resolveInputs(w: Work, known: Map<string, ValueShape>): void {
  for (const vi of w.inputs) {
    const symbolic = vi.dims.filter((d) => typeof d === "string");
    if (symbolic.length) w.notes.push(`input ${vi.name}: symbolic dim ${symbolic.join(", ")} treated as 1 (dims [${vi.dims}] become [${vi.dims.map((d) => (typeof d === "string" ? 1 : d))}])`);
    vi.dims = vi.dims.map((d) => (typeof d === "string" ? 1 : d));
    known.set(vi.name, { dims: vi.dims as number[], kind: vi.dtype === "float32" ? "float" : "int" });
  }
}

export function foldConstants(w: Work): void {
  const known = new Map<string, ValueShape>();
  for (const [name, t] of w.inits) known.set(name, fromTensor(t));
  resolveInputs(w, known);
  const folded = new Map<string, number>();
  w.nodes = w.nodes.filter((node) => {
    const where = w.where(node);
    const kernel = kernelFor(node.opType, where);
    const ctx = { opset: w.opset, where };
    const ins = node.inputs.map((n) => {
      if (n === "") return undefined;
      const v = known.get(n);
      if (!v) w.refuse(node, `input ${n} is not computed before this node`);
      return v;
    });
    const constant = node.opType === "Shape" || ins.every((v) => !v || v.data);
    let outs: ValueShape[];
    if (constant) {
      outs = kernel.run(node, ins as FloatValue[], ctx);
    } else if (FOLDED_OPS.includes(node.opType) || !kernel.shape) {
      const runtime = node.inputs.find((n, i) => n && !ins[i]?.data);
      w.refuse(node, `supported only on values known at compile time (it is folded away), but input ${runtime} is computed at run time`);
    } else {
      outs = kernel.shape(node, ins, ctx);
    }
    node.outputs.forEach((name, k) => {
      if (name === "") return;
      if (!outs[k]) {
        if (w.used(name)) w.refuse(node, `output ${k} (${name}) is read, but only output 0 is supported`);
        return;
      }
      known.set(name, outs[k]);
      w.dims.set(name, outs[k].dims);
    });
    if (constant) folded.set(node.opType, (folded.get(node.opType) ?? 0) + 1);
    return !constant;
  });
  for (const node of w.nodes) {
    for (const name of node.inputs) {
      const v = known.get(name);
      if (v?.data && !w.inits.has(name)) w.inits.set(name, toTensor(v as FloatValue));
    }
  }
  for (const o of w.outputs) {
    const v = known.get(o.name);
    if (!v) throw new ProverError(`output ${o.name} is never computed`);
    if (v.data) throw new ProverError(`output ${o.name} is a constant: it does not depend on the input`);
    o.dims = [...v.dims];
  }
  if (folded.size) w.notes.push(`folded at compile time: ${[...folded].map(([op, n]) => `${n} ${op}`).join(", ")}`);
}
