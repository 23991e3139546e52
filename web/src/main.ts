/** The web console: models, try it (infer, watch the proof), verify here, recent requests. */
import type { InferResult, ListedModel, ModelInfo, ProofRecord } from "../../client/index.ts";
import { makeApi, type Api } from "./api.ts";
import { byId, el, ms, replace } from "./dom.ts";
import { inputPanel, type InputPanel } from "./inputs.ts";
import { isReady, modelCard } from "./models.ts";
import { showOutput } from "./output.ts";
import { renderJobs, renderLatency } from "./requests.ts";
import { verifyHere } from "./verify.ts";

interface Job { card: ModelInfo; values: number[]; answer: InferResult; record?: ProofRecord }

let api: Api = makeApi("");
let ready: ModelInfo[] = [];
let panel: InputPanel | undefined;
let job: Job | undefined;

const runBtn = byId<HTMLButtonElement>("run");
const verifyBtn = byId<HTMLButtonElement>("verify-btn");
const tamperBtn = byId<HTMLButtonElement>("tamper-btn");
const select = byId<HTMLSelectElement>("model-select");
const verdictEl = byId("verdict");

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function loadModels(): Promise<void> {
  const status = byId("models-status");
  try {
    const models: ListedModel[] = await api.zk.models();
    ready = models.filter(isReady);
    replace(byId("model-cards"), ...models.map(modelCard));
    replace(status, `${ready.length} model(s) ready${models.length > ready.length ? `, ${models.length - ready.length} not ready` : ""}.`);
    const keep = select.value;
    replace(select, ...ready.map((m) => el("option", { value: m.id }, m.name)));
    if (ready.some((m) => m.id === keep)) select.value = keep;
    chooseModel();
  } catch (e) {
    replace(status, `Could not load the models: ${message(e)}`);
  }
}

function chooseModel(): void {
  const card = ready.find((m) => m.id === select.value);
  panel = card ? inputPanel(card) : undefined;
  replace(byId("input-area"), panel?.root);
  runBtn.disabled = !card;
}

function resetVerdict(): void {
  replace(verdictEl);
  verdictEl.className = "verdict";
  replace(byId("checks"));
}

async function run(): Promise<void> {
  const card = ready.find((m) => m.id === select.value);
  const errorEl = byId("run-error");
  replace(errorEl);
  if (!card || !panel) return;
  let values: number[];
  try {
    values = panel.values();
  } catch (e) {
    return replace(errorEl, message(e));
  }
  runBtn.disabled = verifyBtn.disabled = tamperBtn.disabled = true;
  // The values sent, for the browser test to read back (the page's own state, nothing secret).
  (window as unknown as { __zkinferLastInput: number[] }).__zkinferLastInput = values;
  resetVerdict();
  const t0 = performance.now();
  try {
    const answer = await api.zk.infer(card.id, values);
    const current: Job = (job = { card, values, answer });
    byId("result").hidden = false;
    showOutput(card, answer, byId("answer"), byId("scores"));
    const timeline = byId("timeline");
    replace(timeline, el("li", {}, `answer at +${ms(performance.now() - t0)} (request ${answer.requestId})`));
    const statusEl = byId("proof-status");
    let shown = answer.proof.status;
    replace(statusEl, `Proof: ${shown}`);
    timeline.append(el("li", {}, `${shown} at +${ms(performance.now() - t0)}`));
    const record = await api.zk.waitForProof(answer.requestId, { onRecord: (r) => {
      if (job !== current || r.status === shown) return;
      shown = r.status;
      const proving = r.provingMs !== undefined ? ` (prover ${ms(r.provingMs)})` : "";
      replace(statusEl, `Proof: ${r.status}`);
      timeline.append(el("li", {}, `${r.status} at +${ms(performance.now() - t0)}${r.status === "proved" ? proving : ""}${r.error ? `: ${r.error}` : ""}`));
    } });
    if (job !== current) return;
    current.record = record;
    verifyBtn.disabled = tamperBtn.disabled = record.status !== "proved";
    void refreshJobs();
  } catch (e) {
    replace(errorEl, message(e));
  } finally {
    runBtn.disabled = false;
  }
}

async function verify(flip: boolean): Promise<void> {
  if (!job?.record) return;
  resetVerdict();
  replace(verdictEl, flip ? "Verifying the tampered proof…" : "Verifying…");
  const v = await verifyHere(api, job.card, job.values, job.answer, job.record, flip);
  verdictEl.className = `verdict ${v.valid ? "valid" : "invalid"}`;
  replace(verdictEl, v.valid
    ? `Valid${flip ? " (unexpected for a tampered proof)" : ""}: a proof that ${job.card.name} gave these outputs on this input.${v.trusted ? "" : " Development setup: its maker could forge proofs."}`
    : `Invalid${flip ? " (a byte of the proof was flipped)" : ""}: ${v.reason ?? "the proof does not verify"}`);
  replace(byId("checks"), ...v.checks.map((c) => el("li", { class: c.ok ? "ok" : "bad" }, `${c.name}: ${c.ok ? "ok" : "FAILED"}, ${c.detail}`)));
}

async function refreshJobs(): Promise<void> {
  try {
    const page = await api.zk.listProofs({ limit: 20 });
    renderJobs(byId("jobs").querySelector("tbody")!, page.proofs);
    renderLatency(byId("latency-chart"), page.proofs);
  } catch (e) {
    replace(byId("latency-chart"), el("p", { class: "error" }, `Could not list the jobs: ${message(e)}`));
  }
}

byId<HTMLInputElement>("api-key").addEventListener("change", (e) => {
  api = makeApi((e.target as HTMLInputElement).value);
  void loadModels().then(refreshJobs);
});
select.addEventListener("change", () => {
  chooseModel();
  resetVerdict();
});
runBtn.addEventListener("click", () => void run());
verifyBtn.addEventListener("click", () => void verify(false));
tamperBtn.addEventListener("click", () => void verify(true));
byId("refresh-btn").addEventListener("click", () => void refreshJobs());
void loadModels().then(refreshJobs);
