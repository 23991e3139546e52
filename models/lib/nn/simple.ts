/**
 * The parameter-free layers: ReLU, Flatten (a no-op on NCHW data, it only changes the shape
 * the next layer sees) and 2x2 average pooling with stride 2 (floor for odd sizes, as
 * PyTorch's AvgPool2d and ONNX AveragePool with ceil_mode 0).
 */
import type { Layer } from "./layer.ts";
import { size } from "./layer.ts";

export class Relu implements Layer {
  readonly kind = "relu";
  readonly params = [];
  readonly outShape: number[];
  private y = new Float64Array(0);

  constructor(readonly inShape: number[]) {
    this.outShape = inShape;
  }

  forward(x: Float64Array): Float64Array {
    const y = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : 0;
    this.y = y;
    return y;
  }

  backward(dy: Float64Array): Float64Array {
    const dx = new Float64Array(dy.length), y = this.y;
    for (let i = 0; i < dy.length; i++) if (y[i] > 0) dx[i] = dy[i];
    return dx;
  }
}

export class Flatten implements Layer {
  readonly kind = "flatten";
  readonly params = [];
  readonly outShape: number[];

  constructor(readonly inShape: number[]) {
    this.outShape = [size(inShape)];
  }

  forward(x: Float64Array): Float64Array {
    return x;
  }

  backward(dy: Float64Array): Float64Array {
    return dy;
  }
}

export class AvgPool2d implements Layer {
  readonly kind = "avgpool";
  readonly params = [];
  readonly outShape: number[];
  private batch = 0;

  constructor(readonly inShape: number[]) {
    const [c, h, w] = inShape;
    if (inShape.length !== 3 || h < 2 || w < 2) throw new Error(`2x2 average pooling on input [${inShape}]`);
    this.outShape = [c, Math.floor(h / 2), Math.floor(w / 2)];
  }

  forward(x: Float64Array, batch: number): Float64Array {
    const [C, H, W] = this.inShape, [, OH, OW] = this.outShape;
    this.batch = batch;
    const y = new Float64Array(batch * C * OH * OW);
    let k = 0;
    for (let bc = 0; bc < batch * C; bc++) {
      const xo = bc * H * W;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const p = xo + 2 * oy * W + 2 * ox;
          y[k++] = 0.25 * (x[p] + x[p + 1] + x[p + W] + x[p + W + 1]);
        }
      }
    }
    return y;
  }

  backward(dy: Float64Array): Float64Array {
    const [C, H, W] = this.inShape, [, OH, OW] = this.outShape;
    const dx = new Float64Array(this.batch * C * H * W); // rows/cols cut off by the floor get 0
    let k = 0;
    for (let bc = 0; bc < this.batch * C; bc++) {
      const xo = bc * H * W;
      for (let oy = 0; oy < OH; oy++) {
        for (let ox = 0; ox < OW; ox++) {
          const p = xo + 2 * oy * W + 2 * ox, g = 0.25 * dy[k++];
          dx[p] = g; dx[p + 1] = g; dx[p + W] = g; dx[p + W + 1] = g;
        }
      }
    }
    return dx;
  }
}
