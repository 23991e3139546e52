/**
 * Folding Gemm's alpha and beta into its constant B and C, so a canonical Gemm is plain
 * A·B(ᵀ) + C and the quantizer sees the weights it will actually multiply by. Also keeps
 * default-valued float attributes out of the output graph.
 */
import { tensor, type Tensor } from "../onnx/graph.ts";
import { fromTensor } from "./value.ts";
import type { Work } from "./work.ts";

function scaled(t: Tensor, k: number): Tensor {
  return tensor("float32", [...t.dims], Float32Array.from(fromTensor(t).data, (v) => v * k));
}

export function foldGemmScales(w: Work): void {
  for (const n of w.nodes.filter((n) => n.opType === "Gemm")) {
    for (const [attr, k] of [["alpha", 1], ["beta", 2]] as const) {
      const v = Number(n.attrs[attr] ?? 1);
      const name = n.inputs[k];
      // beta means nothing without C; a scale on a run-time operand has to stay.
      if (v === 1 || !name) delete n.attrs[attr];
      else if (w.inits.has(name)) {
        const folded = w.fresh(`${name}_${attr}`);
        w.inits.set(folded, scaled(w.inits.get(name)!, v));
        n.inputs[k] = folded;
        delete n.attrs[attr];
      }
    }
  }
}
