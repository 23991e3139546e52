/**
 * A feed-forward network built from a list of LayerSpecs (the layers named as a PyTorch
 * nn.Sequential called `layers` would name them: layers.0, layers.1, ...), with batched
 * forward and backward passes, single-sample logits and test accuracy.
 */
import type { Layer, LayerSpec, Param } from "./layer.ts";
import { size } from "./layer.ts";
import { Conv2d } from "./conv2d.ts";
import { Dense } from "./dense.ts";
import { AvgPool2d, Flatten, Relu } from "./simple.ts";
import type { Rng } from "../rng.ts";

export class Net {
  readonly layers: Layer[] = [];
  readonly inSize: number;
  readonly outSize: number;

  /** `inputShape` is one sample's: [C, H, W] for a CNN, [N] for a dense network. Init draws from rng. */
  constructor(readonly inputShape: number[], readonly specs: LayerSpec[], rng: Rng) {
    let shape = inputShape;
    specs.forEach((s, i) => {
      const name = `layers.${i}`;
      const layer: Layer =
        s.type === "conv" ? new Conv2d(shape, s.filters, s.kernel, name, rng) :
        s.type === "dense" ? new Dense(shape, s.units, name, rng) :
        s.type === "relu" ? new Relu(shape) :
        s.type === "avgpool" ? new AvgPool2d(shape) : new Flatten(shape);
      this.layers.push(layer);
      shape = layer.outShape;
    });
    const first = this.layers.find((l) => l.params.length > 0);
    if (first instanceof Conv2d || first instanceof Dense) first.inputGrad = false;
    this.inSize = size(inputShape);
    this.outSize = size(shape);
  }

  get params(): Param[] {
    return this.layers.flatMap((l) => l.params);
  }

  /** Logits of `batch` samples laid out one after the other. */
  forward(x: Float64Array, batch: number): Float64Array {
    let a = x;
    for (const l of this.layers) a = l.forward(a, batch);
    return a;
  }

  /** Back-propagates dLoss/dLogits of the last forward batch into the params' grads. */
  backward(dlogits: Float64Array): void {
    let d = dlogits;
    for (let i = this.layers.length - 1; i >= 0; i--) {
      d = this.layers[i].backward(d);
      if (d.length === 0) break; // the first layer with params skipped its input gradient
    }
  }

  logits(x: ArrayLike<number>): Float64Array {
    return this.forward(Float64Array.from(x), 1);
  }

  /** Rounds every parameter to float32, so this net computes what its float32 ONNX export does. */
  roundToFloat32(): void {
    for (const p of this.params) for (let i = 0; i < p.value.length; i++) p.value[i] = Math.fround(p.value[i]);
  }

  /** Fraction of the n samples in `xs` (flat, inSize each) whose argmax logit is the label. */
  accuracy(xs: ArrayLike<number>, labels: ArrayLike<number>, n = labels.length, chunk = 500): number {
    let ok = 0;
    for (let s = 0; s < n; s += chunk) {
      const b = Math.min(chunk, n - s);
      const x = new Float64Array(b * this.inSize);
      for (let i = 0; i < x.length; i++) x[i] = xs[s * this.inSize + i];
      const z = this.forward(x, b);
      for (let k = 0; k < b; k++) if (argmax(z, k * this.outSize, this.outSize) === labels[s + k]) ok++;
    }
    return ok / n;
  }
}

export function argmax(v: ArrayLike<number>, offset = 0, n = v.length - offset): number {
  let best = 0;
  for (let i = 1; i < n; i++) if (v[offset + i] > v[offset + best]) best = i;
  return best;
}
