/**
 * Removing nodes that pass their input through at inference: Identity and Dropout (every
 * opset form: ratio as attribute or input, training_mode input, optional mask output).
 */
import type { Node } from "../onnx/graph.ts";
import type { Work } from "./work.ts";

/** Removes a node whose first output equals its first input; readers of the output read the input. */
export function bypass(w: Work, node: Node): void {
  const src = node.inputs[0], dst = node.outputs[0];
  w.remove(node);
  if (!w.isOutput(dst)) {
    w.rename(dst, src);
    return;
  }
  // The graph output keeps its name: the node computing src writes dst instead.
  if (!w.producer(src) || w.isOutput(src)) {
    w.refuse(node, `cannot be removed: its output ${dst} is a graph output and its input ${src} is not computed by another node`);
  }
  w.rename(src, dst);
}

/** Whether a Dropout runs in inference mode: no training_mode input, or a constant false one. */
function inferenceMode(w: Work, node: Node): boolean {
  const tm = node.inputs[2];
  if (!tm) return true;
  const t = w.inits.get(tm);
  return t !== undefined && Array.from(t.data as ArrayLike<number | bigint>).every((v) => Number(v) === 0);
}

export function removePassThrough(w: Work): void {
  const removed = new Map<string, number>();
  for (const node of [...w.nodes]) {
    if (node.opType !== "Identity" && node.opType !== "Dropout") continue;
    if (node.opType === "Dropout") {
      if (node.outputs[1] && w.used(node.outputs[1])) w.refuse(node, `its mask output ${node.outputs[1]} is read; only the data output is supported`);
      if (!inferenceMode(w, node)) w.refuse(node, "training_mode must be absent or a constant false");
    }
    bypass(w, node);
    removed.set(node.opType, (removed.get(node.opType) ?? 0) + 1);
  }
  if (removed.size) w.notes.push(`removed ${[...removed].map(([op, n]) => `${n} ${op}`).join(", ")} (no-ops at inference)`);
}
