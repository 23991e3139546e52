/** The model cards: what a proof of each model binds and how far its setup can be trusted. */
import { formatEther } from "ethers";
import type { ListedModel, ModelInfo } from "../../client/index.ts";
import { el, short } from "./dom.ts";

/** The setup's trust in plain words (the card's `trusted` and its setup record). */
export function trustWords(m: ModelInfo): string {
  if (m.trusted) return "Trusted: a published ceremony's powers of tau and a secret phase-2 contribution; nobody can forge proofs unless every contributor colluded.";
  const ptau = m.setup?.ptau === "dev" ? "a development powers of tau (its secret is public)" : "powers of tau that are not a published ceremony's";
  return `Development setup: ${ptau}. Whoever ran the setup could forge proofs; fine for trying, not for money.`;
}

function price(m: ModelInfo): string {
  const p = m.payment;
  if (!p?.paidRequests) return p?.reason ? `not for sale here (${p.reason})` : "not for sale here";
  const eth = p.accepted.eth ? `${formatEther(BigInt(p.accepted.eth.minPriceWei))} ETH` : undefined;
  const tokens = p.accepted.tokens.map((t) => `${t.minAmount} of token ${t.address}`);
  return [eth, ...tokens].filter(Boolean).join(" or ") || "no accepted payment";
}

function accuracyWords(m: ModelInfo): string {
  const a = m.accuracy;
  if (!a) return "not recorded";
  const f = (v: number) => (a.metric === "accuracy" ? `${(v * 100).toFixed(1)} %` : `${a.metric} ${v.toPrecision(3)}`);
  return `${f(a.integer)} proved (integer) model${a.float !== undefined ? `, ${f(a.float)} float` : ""}${a.testSamples ? ` on ${a.testSamples} test samples` : ""}`;
}

const row = (term: string, ...value: (Node | string)[]) => [el("dt", {}, term), el("dd", {}, ...value)];
const mono = (v: string, title = v) => el("span", { class: "mono", title }, v);

/** A ready model with its card (a listed model is either that or a state with a reason). */
export const isReady = (m: ListedModel): m is ModelInfo & { state: "ready" } => m.state === "ready" && "vkeyHash" in m;

export function modelCard(l: ListedModel): HTMLElement {
  if (!isReady(l)) {
    const s = l as { name: string; state: string; reason?: string };
    return el("article", { class: "card" }, el("h3", {}, s.name), el("p", {}, `State: ${s.state}`, s.reason ? ` (${s.reason})` : ""));
  }
  const m: ModelInfo = l;
  const shape = (s: number[]) => s.join("×");
  const dl = el("dl", {},
    ...row("Model id", mono(short(m.id, 12), m.id)),
    ...row("CID", mono(short(m.cid, 12), m.cid)),
    ...row("Input", `${shape(m.input.shape)} int8, scale 2^-${m.input.shift}`),
    ...row("Output", `${shape(m.output.shape)}, scale 2^-${m.output.shift}${m.output.decision ? `, read by ${m.output.decision}` : ""}`),
    ...row("Architecture", m.architecture ? m.architecture.layers.join(" → ") : "not recorded"),
    ...row("Ops", m.architecture ? m.architecture.ops.join(", ") : "not recorded"),
    ...row("Accuracy", accuracyWords(m)),
    ...row("Constraints", m.constraints.toLocaleString("en")),
    ...row("Visibility", `weights ${m.visibility.weights}, input ${m.visibility.input}, output ${m.visibility.output}`),
    ...row("Setup", el("span", { class: m.trusted ? "trust-ok" : "trust-dev" }, trustWords(m))),
    ...row("Verifying key hash", mono(short(m.vkeyHash, 12), m.vkeyHash)),
    ...row("Verifier contract", m.verifierAddress ? mono(m.verifierAddress) : "not deployed"),
    ...row("Price", price(m)),
  );
  return el("article", { class: "card", "aria-labelledby": `card-${m.id}` }, el("h3", { id: `card-${m.id}` }, m.name), dl);
}
