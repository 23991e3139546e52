/** The answer at once: class scores as bars (argmax and label from the answer) or the value. */
import type { InferResult, ModelInfo } from "../../client/index.ts";
import { el, replace } from "./dom.ts";

export function showOutput(card: ModelInfo, r: InferResult, answer: HTMLElement, bars: HTMLElement): void {
  const values = r.outputFloat ?? r.output.map((q) => q / 2 ** card.output.shift);
  const name = (i: number) => card.labels?.[i] ?? String(i);
  if (r.output.length === 0) {
    replace(answer, "The output is hashed: only its commitment is public.");
    replace(bars);
    return;
  }
  const decided = r.argmax !== undefined ? `${r.label ?? name(r.argmax)} (class ${r.argmax})` : undefined;
  if (card.output.decision === "threshold" && values.length === 1) {
    replace(answer, `Score p = ${values[0]!.toFixed(4)} (class 1 when p > 0.5)`, decided ? ` → ${decided}` : "");
    const p = Math.min(1, Math.max(0, values[0]!));
    replace(bars, ...barRow(name(0), 1 - p, 1 - p, r.argmax === 0), ...barRow(name(1), p, p, r.argmax === 1));
    return;
  }
  replace(answer, decided ? `Answer: ${decided}` : `Output: ${values.map((v) => v.toFixed(4)).join(", ")}`);
  if (values.length > 32) return replace(bars);
  const lo = Math.min(0, ...values);
  const hi = Math.max(...values);
  const span = hi - lo || 1;
  replace(bars, ...values.flatMap((v, i) => barRow(name(i), v, (v - lo) / span, i === r.argmax)));
}

function barRow(label: string, value: number, fraction: number, top: boolean): HTMLElement[] {
  const bar = el("div", { class: top ? "bar top" : "bar", role: "presentation" });
  bar.style.width = `${Math.max(0.5, fraction * 100)}%`;
  return [el("span", {}, label), el("div", {}, bar), el("span", { class: "mono" }, value.toFixed(3))];
}
