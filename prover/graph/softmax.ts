/**
 * Dropping a final Softmax / LogSoftmax. Both are monotonic within each group they normalise,
 * so the argmax over the class axis is the same on the logits: the prover can commit to the
 * logits and the circuit needs no exp. Anywhere else they would change the values the rest of
 * the graph sees, so they are refused.
 */
import { softmaxGroups } from "./kernels-normalize.ts";
import { bypass } from "./passthrough.ts";
import type { Work } from "./work.ts";

export function dropFinalSoftmax(w: Work): void {
  for (const node of w.nodes.filter((n) => n.opType === "Softmax" || n.opType === "LogSoftmax")) {
    const y = node.outputs[0];
    const readers = w.consumers(y);
    if (readers.length || !w.isOutput(y)) {
      const by = readers.length ? `its output ${y} is read by ${readers.map((r) => w.where(r)).join(", ")}` : `its output ${y} is not a graph output`;
      w.refuse(node, `${node.opType} is supported only as the last op (where it is dropped, the argmax being unchanged); here ${by}`);
    }
    const dims = w.dims.get(node.inputs[0]) ?? [];
    // Opset >= 13 normalises along one axis: unless it is the last, the argmax over the last axis changes.
    if (softmaxGroups(node, dims, { opset: w.opset, where: w.where(node) }).inner !== 1) {
      w.refuse(node, `normalises over axis ${node.attrs.axis} of dims [${dims}], not the last one: dropping it would change the argmax`);
    }
    bypass(w, node);
    // The caller records this exact note in the manifest: the output now holds logits.
    w.notes.push(`${node.opType} dropped: argmax unchanged`);
  }
}
