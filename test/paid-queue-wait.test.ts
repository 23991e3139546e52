/**
 * The attack: a client floods the proof queue with free infer calls, then opens a paid request
 * whose deadline clears the configured margin but not the queue. Before admission counted the
 * queue, such a request was admitted: infer returned the output at once, the proof came after
 * the deadline (so the operator proved for nothing and could not settle), the proof was public
 * at GET /v1/proofs, and the client refunded its deposit. Admission now adds the expected wait
 * for the proofs queued ahead (from the measured proving times) to the model's margin.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { openRequest, pollProof, settlementDone, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";

const tmp = makeTempDir("zkinfer-queue-wait-");
const digits = testDigits(4).map((d) => d.pixels);
const MARGIN_S = 2;
let p: PayChain;
let server: PayServer;
let modelId: string;

beforeAll(async () => {
  p = await startPayChain();
  server = await startPayServer(p, tmp.file("jobs.sqlite"), { minPriceWei: "1", minDeadlineSeconds: MARGIN_S });
  modelId = server.service.getModel("digits-mlp").id;
}, 120_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

const infer = (input: number[], escrowRequestId?: bigint) =>
  json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input, ...(escrowRequestId !== undefined ? { escrowRequestId: String(escrowRequestId) } : {}) } });

describe("a paid request behind a flooded queue", () => {
  it("is refused when its deadline clears the margin but not the proofs queued ahead of it; admitted once it does", async () => {
    // One free proof so the server has measured its proving time.
    const warm = await infer(digits[0]);
    expect(warm.status, JSON.stringify(warm.body)).toBe(200);
    await pollProof(server.url, warm.body.requestId, (r) => r.status === "proved");
    const meanS = server.service.stats().provingSeconds[0]!;
    // Free calls (one prover thread) worth at least 12 s of proving ahead of the paid request.
    const flood = Math.min(60, Math.ceil(12 / meanS));
    const free = await Promise.all(Array.from({ length: flood }, (_, i) => infer(digits[1 + (i % 3)])));
    expect(free.every((r) => r.status === 200)).toBe(true);

    // 6 s ahead: three times the margin, yet far less than the queue needs.
    const id = await openRequest(p, modelId, digits[0], { secs: 6 });
    const r = await infer(digits[0], id);
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error).toMatchObject({ code: "CONFLICT", field: "escrowRequestId" });
    expect(r.body.error.message).toMatch(new RegExp(`escrow request ${id} has deadline \\d+, \\d s after the chain's latest block \\(\\d+\\); model digits-mlp needs at least (\\d+) s: ${MARGIN_S} s to prove and settle plus about \\d+ s for the \\d+ proof\\(s\\) queued ahead of it`));
    const need = Number(/needs at least (\d+) s/.exec(r.body.error.message)![1]);
    expect(need).toBeGreaterThan(6);

    // A deadline that leaves room for the queue is admitted, proved and settled.
    const ok = await openRequest(p, modelId, digits[0], { secs: 3600 });
    const admitted = await infer(digits[0], ok);
    expect(admitted.status, JSON.stringify(admitted.body)).toBe(200);
    const rec = await pollProof(server.url, admitted.body.requestId, settlementDone, 120_000);
    expect(rec.settlement).toMatchObject({ status: "settled", error: null });
  }, 180_000);
});
