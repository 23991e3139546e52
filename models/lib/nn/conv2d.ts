/**
 * 2-D convolution, stride 1, no padding, one group: ONNX Conv as PyTorch's nn.Conv2d exports
 * it. Each sample is unrolled into columns (im2col, [C*k*k, outH*outW]) so the forward and
 * both gradients become loops over contiguous rows, which V8 runs several times faster than
 * the naive 6-deep loop.
 */
import type { Layer, Param } from "./layer.ts";
import { param } from "./layer.ts";
import { mulAcc, mulAtAcc, mulBtAcc } from "./kernels.ts";
import type { Rng } from "../rng.ts";

export class Conv2d implements Layer {
  readonly kind = "conv";
  readonly outShape: number[];
  readonly params: Param[];
  readonly weight: Param;
  readonly bias: Param;
  /** The first layer's input gradient is never used: skipping it saves a third of its work. */
  inputGrad = true;
  private cols = new Float64Array(0);
  private batch = 0;
  private readonly K: number;
  private readonly P: number;

  constructor(readonly inShape: number[], readonly filters: number, readonly kernel: number, name: string, rng: Rng) {
    const [c, h, w] = inShape;
    if (inShape.length !== 3 || h < kernel || w < kernel) throw new Error(`conv ${kernel}x${kernel} on input [${inShape}]`);
    this.outShape = [filters, h - kernel + 1, w - kernel + 1];
    this.K = c * kernel * kernel;
    this.P = this.outShape[1] * this.outShape[2];
    this.weight = param(`${name}.weight`, [filters, c, kernel, kernel], true);
    this.bias = param(`${name}.bias`, [filters], false);
    this.params = [this.weight, this.bias];
    const std = Math.sqrt(2 / this.K); // He initialisation, for ReLU
    for (let i = 0; i < this.weight.value.length; i++) this.weight.value[i] = rng.normal() * std;
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const { K, P, kernel: k, filters: O } = this;
    const [C, H, W] = this.inShape, OW = this.outShape[2], OH = this.outShape[1];
    if (this.cols.length !== batch * K * P) this.cols = new Float64Array(batch * K * P);
    this.batch = batch;
    const cols = this.cols, wt = this.weight.value, bs = this.bias.value;
    const y = new Float64Array(batch * O * P);
    for (let b = 0; b < batch; b++) {
      const xo = b * C * H * W, co = b * K * P, yo = b * O * P;
      for (let c = 0, r = 0; c < C; c++) {
        for (let ki = 0; ki < k; ki++) {
          for (let kj = 0; kj < k; kj++, r++) {
            let dst = co + r * P;
            for (let oy = 0; oy < OH; oy++) {
              let src = xo + c * H * W + (oy + ki) * W + kj;
              for (let ox = 0; ox < OW; ox++) cols[dst++] = x[src++];
            }
          }
        }
      }
      for (let o = 0; o < O; o++) y.fill(bs[o], yo + o * P, yo + (o + 1) * P);
      mulAcc(y, yo, wt, cols, co, O, K, P);
    }
    return y;
  }

  backward(dy: Float64Array): Float64Array {
    const { K, P, kernel: k, filters: O, batch, cols } = this;
    const [C, H, W] = this.inShape, OW = this.outShape[2], OH = this.outShape[1];
    const wt = this.weight.value, gw = this.weight.grad, gb = this.bias.grad;
    const dx = new Float64Array(this.inputGrad ? batch * C * H * W : 0);
    const dcols = new Float64Array(this.inputGrad ? K * P : 0);
    for (let b = 0; b < batch; b++) {
      const co = b * K * P, yo = b * O * P;
      for (let o = 0; o < O; o++) {
        let sb = 0;
        for (let p = yo + o * P; p < yo + (o + 1) * P; p++) sb += dy[p];
        gb[o] += sb;
      }
      mulBtAcc(gw, dy, yo, cols, co, O, K, P);
      if (!this.inputGrad) continue;
      dcols.fill(0);
      mulAtAcc(dcols, wt, dy, yo, O, K, P);
      const xo = b * C * H * W; // col2im: the transpose of the unrolling above
      for (let c = 0, r = 0; c < C; c++) {
        for (let ki = 0; ki < k; ki++) {
          for (let kj = 0; kj < k; kj++, r++) {
            let src = r * P;
            for (let oy = 0; oy < OH; oy++) {
              let dst = xo + c * H * W + (oy + ki) * W + kj;
              for (let ox = 0; ox < OW; ox++) dx[dst++] += dcols[src++];
            }
          }
        }
      }
    }
    return dx;
  }
}

