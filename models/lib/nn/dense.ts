/**
 * A fully connected layer, y = W x + b, with W stored [out, in] as PyTorch's nn.Linear does,
 * so the ONNX export is a Gemm with transB=1 over the very same array.
 */
import type { Layer, Param } from "./layer.ts";
import { param } from "./layer.ts";
import type { Rng } from "../rng.ts";

export class Dense implements Layer {
  readonly kind = "dense";
  readonly outShape: number[];
  readonly params: Param[];
  readonly weight: Param;
  readonly bias: Param;
  /** As for Conv2d: a first layer need not compute its input gradient. */
  inputGrad = true;
  private x: Float64Array = new Float64Array(0);
  private batch = 0;
  private readonly nIn: number;

  constructor(readonly inShape: number[], readonly units: number, name: string, rng: Rng) {
    if (inShape.length !== 1) throw new Error(`dense layer on input [${inShape}]: flatten first`);
    this.nIn = inShape[0];
    this.outShape = [units];
    this.weight = param(`${name}.weight`, [units, this.nIn], true);
    this.bias = param(`${name}.bias`, [units], false);
    this.params = [this.weight, this.bias];
    const std = Math.sqrt(2 / this.nIn); // He initialisation, for ReLU
    for (let i = 0; i < this.weight.value.length; i++) this.weight.value[i] = rng.normal() * std;
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const { nIn: I, units: O } = this, w = this.weight.value, bs = this.bias.value;
    this.x = x;
    this.batch = batch;
    const y = new Float64Array(batch * O);
    for (let b = 0; b < batch; b++) {
      const xo = b * I;
      for (let o = 0; o < O; o++) {
        const wo = o * I;
        let s = bs[o];
        for (let i = 0; i < I; i++) s += w[wo + i] * x[xo + i];
        y[b * O + o] = s;
      }
    }
    return y;
  }

  backward(dy: Float64Array): Float64Array {
    const { nIn: I, units: O, batch, x } = this, w = this.weight.value, gw = this.weight.grad, gb = this.bias.grad;
    const dx = new Float64Array(this.inputGrad ? batch * I : 0);
    for (let b = 0; b < batch; b++) {
      const xo = b * I;
      for (let o = 0; o < O; o++) {
        const g = dy[b * O + o];
        if (g === 0) continue; // after a ReLU many are
        gb[o] += g;
        const wo = o * I;
        for (let i = 0; i < I; i++) gw[wo + i] += g * x[xo + i];
        if (this.inputGrad) for (let i = 0; i < I; i++) dx[xo + i] += g * w[wo + i];
      }
    }
    return dx;
  }
}
