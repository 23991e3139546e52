/**
 * Softmax cross-entropy over a batch of logits, the loss PyTorch's nn.CrossEntropyLoss
 * computes (mean over the batch), with its gradient with respect to the logits.
 */
export function softmaxCrossEntropy(
  logits: Float64Array,
  labels: ArrayLike<number>,
  batch: number,
): { loss: number; dlogits: Float64Array } {
  const n = logits.length / batch;
  const d = new Float64Array(logits.length);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    const o = b * n;
    let mx = -Infinity;
    for (let j = 0; j < n; j++) mx = Math.max(mx, logits[o + j]);
    let sum = 0;
    for (let j = 0; j < n; j++) sum += (d[o + j] = Math.exp(logits[o + j] - mx)); // shifted for stability
    const y = labels[b];
    loss -= logits[o + y] - mx - Math.log(sum);
    for (let j = 0; j < n; j++) d[o + j] = (d[o + j] / sum - (j === y ? 1 : 0)) / batch;
  }
  return { loss: loss / batch, dlogits: d };
}
