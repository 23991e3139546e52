/**
 * Adam (Kingma & Ba) with bias correction. Weight decay is the classic L2 form (added to the
 * gradient, as torch.optim.Adam's weight_decay), on weights only.
 */
import type { Param } from "./layer.ts";

export interface AdamOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
}

export class Adam {
  lr: number;
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private t = 0;

  constructor(private readonly params: Param[], private readonly o: AdamOptions) {
    this.lr = o.lr;
    this.m = params.map((p) => new Float64Array(p.value.length));
    this.v = params.map((p) => new Float64Array(p.value.length));
  }

  /** One update from the accumulated grads, which it then clears. */
  step(): void {
    const b1 = this.o.beta1 ?? 0.9, b2 = this.o.beta2 ?? 0.999, eps = this.o.eps ?? 1e-8, wd = this.o.weightDecay ?? 0;
    this.t++;
    const c1 = 1 - b1 ** this.t, c2 = 1 - b2 ** this.t;
    this.params.forEach((p, k) => {
      const m = this.m[k], v = this.v[k], w = p.value, g = p.grad, decay = p.decay ? wd : 0;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] + decay * w[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        w[i] -= (this.lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
      g.fill(0);
    });
  }
}
