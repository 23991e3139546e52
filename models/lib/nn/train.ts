/**
 * Minibatch training with Adam on softmax cross-entropy. The batch order comes from a seeded
 * Rng permutation per epoch, so a run is reproducible bit for bit; the learning rate decays
 * geometrically per epoch.
 */
import { Adam } from "./adam.ts";
import { softmaxCrossEntropy } from "./loss.ts";
import type { Net } from "./net.ts";
import type { Rng } from "../rng.ts";

export interface TrainOptions {
  epochs: number;
  batch: number;
  lr: number;
  /** The learning rate is lr * lrDecay^epoch (1 = constant). */
  lrDecay?: number;
  weightDecay?: number;
  log?: (msg: string) => void;
}

/** Trains net in place on n samples (xs flat, net.inSize values each). Returns per-epoch mean losses. */
export function train(net: Net, xs: ArrayLike<number>, labels: ArrayLike<number>, rng: Rng, o: TrainOptions): number[] {
  const n = labels.length, inSize = net.inSize;
  const opt = new Adam(net.params, { lr: o.lr, weightDecay: o.weightDecay });
  const losses: number[] = [];
  for (let epoch = 0; epoch < o.epochs; epoch++) {
    opt.lr = o.lr * (o.lrDecay ?? 1) ** epoch;
    const perm = rng.permutation(n);
    const cpu0 = process.cpuUsage();
    let total = 0;
    for (let start = 0; start < n; start += o.batch) {
      const b = Math.min(o.batch, n - start);
      const x = new Float64Array(b * inSize), y = new Uint8Array(b);
      for (let k = 0; k < b; k++) {
        const idx = perm[start + k], src = idx * inSize;
        for (let i = 0; i < inSize; i++) x[k * inSize + i] = xs[src + i];
        y[k] = labels[idx];
      }
      const { loss, dlogits } = softmaxCrossEntropy(net.forward(x, b), y, b);
      net.backward(dlogits);
      opt.step();
      total += loss * b;
    }
    losses.push(total / n);
    o.log?.(`epoch ${epoch + 1}/${o.epochs}: loss ${(total / n).toFixed(4)}, lr ${opt.lr.toPrecision(3)}, ${cpuSeconds(cpu0).toFixed(1)} s CPU`);
  }
  return losses;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}
