/** Recent jobs and a chart of their proof latency (inline SVG). */
import type { ProofRecord } from "../../client/index.ts";
import { el, ms, replace, short, svg } from "./dom.ts";

const ETH = /^0x0{40}$/i;

/** An amount in wei as ETH with up to 6 decimals (exact digits, no float rounding of large values). */
function ether(wei: string): string {
  const v = BigInt(wei), unit = 10n ** 18n;
  const frac = (v % unit).toString().padStart(18, "0").slice(0, 6).replace(/0+$/, "");
  return `${v / unit}${frac ? `.${frac}` : ""} ETH`;
}

/** Status and transaction; once settled, the amount paid (from the escrow's event) and the gas of our transaction. */
function settlement(r: ProofRecord): Node | string {
  const s = r.settlement;
  if (!s) return "–";
  if (!s.txHash) return s.status;
  const paid = s.amount === undefined ? "" : ` · ${s.token && ETH.test(s.token) ? ether(s.amount) : `${s.amount} of token ${short(s.token ?? "", 6)}`}`;
  const gas = s.gasUsed === undefined ? "" : ` · gas ${Number(s.gasUsed).toLocaleString("en")}`;
  return el("span", {}, `${s.status} `, el("span", { class: "mono", title: s.txHash }, short(s.txHash, 8)), `${paid}${gas}`);
}

export function renderJobs(tbody: HTMLElement, jobs: ProofRecord[]): void {
  replace(tbody, ...jobs.map((r) => el("tr", {},
    el("td", { class: "mono", title: r.requestId }, short(r.requestId, 6)),
    el("td", {}, r.modelName ?? short(r.modelId, 6)),
    el("td", {}, r.status, r.error ? ` (${r.error})` : ""),
    el("td", {}, ms(r.provingMs)),
    el("td", {}, settlement(r)),
    el("td", {}, new Date(r.createdAt).toLocaleTimeString("en")),
  )));
}

/** Bars of provingMs, oldest left; the summary doubles as the chart's accessible name. */
export function renderLatency(box: HTMLElement, jobs: ProofRecord[]): void {
  const proved = jobs.filter((r) => typeof r.provingMs === "number").reverse();
  if (proved.length === 0) return replace(box, el("p", {}, "No proved job yet."));
  const W = 360, H = 120, pad = 24;
  const max = Math.max(...proved.map((r) => r.provingMs!));
  const w = (W - pad) / proved.length;
  const avg = proved.reduce((a, r) => a + r.provingMs!, 0) / proved.length;
  const summary = `Proof latency of the last ${proved.length} proved jobs: average ${ms(avg)}, most ${ms(max)}.`;
  const chart = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": summary },
    svg("text", { x: 0, y: 12, "font-size": 11, fill: "#4a4a4a" }, ms(max)),
    svg("line", { x1: pad, y1: H - 14, x2: W, y2: H - 14, stroke: "#767676" }),
    ...proved.map((r, i) => {
      const h = Math.max(1, ((H - 30) * r.provingMs!) / max);
      return svg("rect", { x: pad + i * w + 1, y: H - 14 - h, width: Math.max(1, w - 2), height: h, fill: "#0b5cad" }, svg("title", {}, `${short(r.requestId, 6)}: ${ms(r.provingMs)}`));
    }),
    svg("text", { x: pad, y: H - 2, "font-size": 11, fill: "#4a4a4a" }, "oldest"),
    svg("text", { x: W, y: H - 2, "font-size": 11, fill: "#4a4a4a", "text-anchor": "end" }, "newest"),
  );
  replace(box, chart, el("p", {}, summary));
}
