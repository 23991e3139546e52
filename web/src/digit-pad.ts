/**
 * A drawing pad downscaled the way the digits data set was made (UCI optdigits): the ink's
 * bounding box is scaled to fill a 32×32 bitmap (aspect kept, centred), each bitmap pixel is
 * on or off, and each 4×4 block's count of on pixels is one of the 8×8 pixels, 0..16.
 */
import { el } from "./dom.ts";

const SIDE = 224;
const BITMAP = 32;

export class DigitPad {
  readonly canvas = el("canvas", { id: "draw-canvas", width: String(SIDE), height: String(SIDE), role: "img", "aria-label": "Drawing area for a digit; use the test image list to choose an input by keyboard" });
  readonly preview = el("canvas", { id: "preview-canvas", width: "8", height: "8", role: "img", "aria-labelledby": "preview-label" });
  onDraw: () => void = () => {};
  /** A picked test image: its exact pixels, not a re-scan of how it is drawn. */
  private fixed: number[] | undefined;
  private readonly ctx = this.canvas.getContext("2d", { willReadFrequently: true })!;

  constructor() {
    this.clear();
    let last: [number, number] | undefined;
    const at = (e: PointerEvent): [number, number] => {
      const r = this.canvas.getBoundingClientRect();
      return [((e.clientX - r.left) / r.width) * SIDE, ((e.clientY - r.top) / r.height) * SIDE];
    };
    this.canvas.addEventListener("pointerdown", (e) => {
      if (this.fixed) this.clear();
      this.canvas.setPointerCapture(e.pointerId);
      last = at(e);
      this.stroke(last, last);
    });
    this.canvas.addEventListener("pointermove", (e) => {
      if (!last) return;
      const p = at(e);
      this.stroke(last, p);
      last = p;
    });
    const end = () => {
      if (!last) return;
      last = undefined;
      this.renderPreview(this.pixels());
      this.onDraw();
    };
    this.canvas.addEventListener("pointerup", end);
    this.canvas.addEventListener("pointercancel", end);
  }

  private stroke(a: [number, number], b: [number, number]): void {
    const c = this.ctx;
    c.strokeStyle = "#000";
    c.lineWidth = 18;
    c.lineCap = "round";
    c.lineJoin = "round";
    c.beginPath();
    c.moveTo(a[0], a[1]);
    c.lineTo(b[0] + 0.01, b[1]);
    c.stroke();
  }

  clear(): void {
    this.fixed = undefined;
    this.ctx.fillStyle = "#fff";
    this.ctx.fillRect(0, 0, SIDE, SIDE);
    this.renderPreview(new Array(64).fill(0));
  }

  /** Shows 8×8 pixels (0..16) as grey blocks and takes them as the input. */
  show(pixels: number[]): void {
    this.clear();
    const cell = SIDE / 8;
    pixels.forEach((p, i) => {
      const g = Math.round(255 * (1 - p / 16));
      this.ctx.fillStyle = `rgb(${g},${g},${g})`;
      this.ctx.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell);
    });
    this.fixed = [...pixels];
    this.renderPreview(pixels);
  }

  /** The 8×8 pixels 0..16 of what is on the pad. */
  pixels(): number[] {
    if (this.fixed) return [...this.fixed];
    const img = this.ctx.getImageData(0, 0, SIDE, SIDE).data;
    const ink = (x: number, y: number) => img[(y * SIDE + x) * 4]! < 128;
    let [x0, y0, x1, y1] = [SIDE, SIDE, -1, -1];
    for (let y = 0; y < SIDE; y++) for (let x = 0; x < SIDE; x++) if (ink(x, y)) {
      x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
    }
    const out = new Array(64).fill(0);
    if (x1 < 0) return out;
    // Scale the bounding box's longer side to the bitmap, centre the shorter one.
    const side = Math.max(x1 - x0 + 1, y1 - y0 + 1);
    const ox = x0 - (side - (x1 - x0 + 1)) / 2;
    const oy = y0 - (side - (y1 - y0 + 1)) / 2;
    for (let by = 0; by < BITMAP; by++) for (let bx = 0; bx < BITMAP; bx++) {
      // A bitmap pixel is on when the canvas pixel at its centre is ink.
      const x = Math.floor(ox + ((bx + 0.5) * side) / BITMAP);
      const y = Math.floor(oy + ((by + 0.5) * side) / BITMAP);
      if (x >= 0 && y >= 0 && x < SIDE && y < SIDE && ink(x, y)) out[Math.floor(by / 4) * 8 + Math.floor(bx / 4)]++;
    }
    return out;
  }

  private renderPreview(pixels: number[]): void {
    const c = this.preview.getContext("2d")!;
    const img = c.createImageData(8, 8);
    pixels.forEach((p, i) => {
      const g = Math.round(255 * (1 - p / 16));
      img.data.set([g, g, g, 255], i * 4);
    });
    c.putImageData(img, 0, 0);
  }
}
