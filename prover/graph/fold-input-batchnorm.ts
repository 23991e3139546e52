/**
 * Folding a BatchNormalization that reads the graph input FORWARD into the Gemm after it (the
 * usual tabular export: BatchNorm1d standardising the features, then Linear). There is no layer
 * before it to fold into. With s = gamma / sqrt(var + eps) and t = beta - s * mean per feature,
 * Gemm(x*s + t) = alpha * x * diag(s) * B + (beta * C + alpha * t * B): the weight rows are
 * scaled and the shift moves into the bias. Any other input BatchNormalization is left to
 * foldBatchNorms, which refuses it naming the node.
 */
import type { Node } from "../onnx/graph.ts";
import { batchNormCoefficients } from "./kernels-normalize.ts";
import { fromTensor, toTensor } from "./value.ts";
import type { Work } from "./work.ts";

/** A graph input's dims (symbolic ones are 1 by now: foldConstants resolved them). */
function inputDims(w: Work, name: string): number[] | undefined {
  return w.inputs.find((v) => v.name === name)?.dims as number[] | undefined;
}

function foldable(w: Work, bn: Node): Node | undefined {
  if (!w.isInput(bn.inputs[0]) || bn.attrs.training_mode === 1) return undefined;
  if (bn.outputs.slice(1).some((o) => w.used(o)) || w.isOutput(bn.outputs[0])) return undefined;
  if (bn.inputs.slice(1, 5).length < 4 || bn.inputs.slice(1, 5).some((n) => !w.inits.has(n))) return undefined;
  const users = w.consumers(bn.outputs[0]);
  const gemm = users.length === 1 ? users[0] : undefined;
  if (!gemm || gemm.opType !== "Gemm" || gemm.inputs[0] !== bn.outputs[0] || gemm.attrs.transA === 1) return undefined;
  if (!w.inits.has(gemm.inputs[1]) || (gemm.inputs[2] && !w.inits.has(gemm.inputs[2]))) return undefined;
  const dims = inputDims(w, bn.inputs[0]);
  return dims && dims.length === 2 ? gemm : undefined;
}

export function foldInputBatchNorms(w: Work): void {
  for (const bn of w.nodes.filter((n) => n.opType === "BatchNormalization")) {
    const gemm = foldable(w, bn);
    if (!gemm) continue;
    const nIn = inputDims(w, bn.inputs[0])![1];
    const ctx = { opset: w.opset, where: w.where(bn) };
    const c = batchNormCoefficients(bn, [undefined, ...bn.inputs.slice(1, 5).map((n) => fromTensor(w.inits.get(n)!))], nIn, ctx);
    const b = fromTensor(w.inits.get(gemm.inputs[1])!);
    const transB = gemm.attrs.transB === 1;
    const nOut = b.data.length / nIn;
    const alpha = Number(gemm.attrs.alpha ?? 1), beta = Number(gemm.attrs.beta ?? 1);
    const at = (a: number, o: number) => (transB ? o * nIn + a : a * nOut + o);
    const w2 = new Float64Array(b.data.length);
    const bias = new Float64Array(nOut);
    const cv = gemm.inputs[2] ? fromTensor(w.inits.get(gemm.inputs[2])!) : undefined;
    for (let o = 0; o < nOut; o++) {
      bias[o] = cv ? beta * cv.data[cv.data.length === 1 ? 0 : o] : 0;
      for (let a = 0; a < nIn; a++) {
        w2[at(a, o)] = alpha * b.data[at(a, o)] * c.mul[a];
        bias[o] += alpha * b.data[at(a, o)] * c.add[a];
      }
    }
    const wName = w.fresh(`${gemm.inputs[1]}_bnfold`), bName = w.fresh(`${gemm.name}_C_bnfold`);
    w.inits.set(wName, toTensor({ dims: b.dims, data: w2, kind: "float" }));
    w.inits.set(bName, toTensor({ dims: [nOut], data: bias, kind: "float" }));
    gemm.inputs = [bn.inputs[0], wName, bName];
    delete gemm.attrs.alpha;
    delete gemm.attrs.beta;
    w.remove(bn);
    w.notes.push(`BatchNormalization ${bn.name} on the input folded forward into ${w.where(gemm)}`);
  }
}
