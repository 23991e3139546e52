/**
 * The inputs of "Try it": a canvas for 8×8 digit models, a form for tabular ones. Both end as
 * the int8 values the proof commits to, computed here, so the page can recompute the input
 * commitment from what the user drew or typed.
 */
import type { ModelInfo } from "../../client/index.ts";
import { DIGIT_SAMPLES } from "./digit-samples.ts";
import { el } from "./dom.ts";
import { DigitPad } from "./digit-pad.ts";

export interface InputPanel {
  root: HTMLElement;
  /** The int8 values to infer on, or an error naming what is wrong. */
  values(): number[];
  /** A short description of the input for the record. */
  describe(): string;
}

const size = (m: ModelInfo) => m.input.shape.reduce((a, b) => a * b, 1);

/** round_half_away_from_zero(x * 2^shift), clamped to int8: the gateway's quantization of a float. */
export function quantize(x: number, shift: number): number {
  const v = x * 2 ** shift;
  const r = Math.sign(v) * Math.round(Math.abs(v));
  return Math.max(-128, Math.min(127, r));
}

export function isDigits8x8(m: ModelInfo): boolean {
  return size(m) === 64; // an 8×8 image: the digits data set's models
}

export function inputPanel(m: ModelInfo): InputPanel {
  if (isDigits8x8(m)) return digitsPanel(m);
  const pre = m.input.preprocessing;
  if (pre?.features && pre.mean && pre.std && pre.features.length === size(m)) return tabularPanel(m, pre.features, pre.mean, pre.std);
  return rawPanel(m);
}

function digitsPanel(m: ModelInfo): InputPanel {
  const pad = new DigitPad();
  const pick = el("select", { id: "sample-select" }, el("option", { value: "" }, "(draw your own)"),
    ...DIGIT_SAMPLES.map((s, i) => el("option", { value: String(i) }, `test image #${s.testIndex} (a ${s.label})`)));
  pick.addEventListener("change", () => {
    const s = DIGIT_SAMPLES[Number(pick.value)];
    if (pick.value !== "" && s) pad.show(s.pixels);
  });
  pad.onDraw = () => (pick.value = "");
  const clear = el("button", { type: "button", class: "secondary", id: "clear-btn" }, "Clear");
  clear.addEventListener("click", () => {
    pad.clear();
    pick.value = "";
  });
  const root = el("div", {},
    el("p", {}, "Draw a digit (white background, dark ink) or pick a test image. The drawing is cut into 8×8 blocks; each block's ink becomes a pixel 0..16, as in the data set (", m.input.preprocessing?.description ?? "pixel / 16", ")."),
    el("p", {}, el("label", { for: "sample-select" }, "Test image"), pick),
    el("div", { class: "draw" }, pad.canvas, el("div", {}, el("p", { id: "preview-label" }, "What the model sees (8×8)"), pad.preview), el("p", {}, clear)),
  );
  // pixels 0..16 = pixel/16 in [0, 1], quantized with the input's shift (4: q = pixel).
  return {
    root,
    values: () => pad.pixels().map((p) => quantize(p / 16, m.input.shift)),
    describe: () => (pick.value !== "" ? `test image #${DIGIT_SAMPLES[Number(pick.value)]!.testIndex}` : "a drawing"),
  };
}

function tabularPanel(m: ModelInfo, features: string[], mean: number[], std: number[]): InputPanel {
  const fields = features.map((f, j) => {
    const id = `feature-${j}`;
    const input = el("input", { id, type: "number", step: "any", inputmode: "decimal", required: "" });
    input.value = String(Number(mean[j]!.toPrecision(6)));
    return { f, input, wrap: el("p", {}, el("label", { for: id }, f), input) };
  });
  const root = el("div", {}, el("p", {}, "Raw feature values (prefilled with the training mean); each becomes (x − mean) / std, then int8 at scale 2^-", String(m.input.shift), "."),
    el("div", { class: "form-grid" }, ...fields.map((x) => x.wrap)));
  return {
    root,
    values: () => fields.map(({ f, input }, j) => {
      const x = Number(input.value);
      if (input.value.trim() === "" || !Number.isFinite(x)) throw new Error(`${f}: enter a number`);
      return quantize((x - mean[j]!) / std[j]!, m.input.shift);
    }),
    describe: () => "the form's values",
  };
}

function rawPanel(m: ModelInfo): InputPanel {
  const n = size(m);
  const area = el("textarea", { id: "raw-input", rows: "4", cols: "40" });
  area.value = JSON.stringify(new Array(n).fill(0));
  return {
    root: el("p", {}, el("label", { for: "raw-input" }, `${n} int8 values (JSON array)`), area),
    values: () => {
      const v = JSON.parse(area.value) as unknown;
      if (!Array.isArray(v) || v.length !== n || v.some((x) => !Number.isInteger(x) || x < -128 || x > 127)) throw new Error(`input: expected ${n} integers in -128..127`);
      return v as number[];
    },
    describe: () => "raw values",
  };
}
