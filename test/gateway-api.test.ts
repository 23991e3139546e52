/**
 * What a client needs from the gateway without a second request or a wasted proof, over real
 * HTTP and gRPC servers on loopback: the input commitment without a job (HTTP commit, gRPC
 * Commit), equal to prover/commitment.ts's and to what infer then returns and proves; the model
 * card's float range and preprocessing; float values the input scale would clip counted in a
 * warning (or refused in strict mode, naming the value, with nothing created); outputs with their
 * dequantized values, argmax and label; job records with model name and key trust; WaitForProof
 * (the job list: gateway-list.test.ts). digits-mlp, plus two
 * variants of its graph compiled here (a hashed-salted input, a public input), each on a server
 * of its own: they share digits-mlp's ONNX, hence its model id.
 */
import { copyFileSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { status } from "@grpc/grpc-js";
import { compileModelFile } from "../prover/compiler/model.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { inputCommitment } from "../prover/commitment.ts";
import { decodePublicSignals } from "../prover/prove.ts";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { json, startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";
import { expectGrpcError, listAll } from "./helpers/gateway.ts";

const SALTED = "digits-mlp-salted-gw";
const PUBLIC = "digits-mlp-public-gw";
const extra = path.join(REPO_ROOT, "build", `gateway-models-${process.pid}`);
const digits = testDigits(6).map((d) => d.pixels);
let s: TestServer;
let salted: TestServer;
let pub: TestServer;
let g: GrpcClient;
let url: string;

beforeAll(async () => {
  for (const [name, input] of [[SALTED, "hashed-salted"], [PUBLIC, "public"]] as const) {
    const dir = path.join(extra, name);
    mkdirSync(dir, { recursive: true });
    copyFileSync(openModelDir("digits-mlp").onnxPath, path.join(dir, "model.int8.onnx"));
    await compileModelFile({ name, templateName: name.replace(/(^|-)(\w)/g, (_, _d, c: string) => c.toUpperCase()), onnxPath: path.join(dir, "model.int8.onnx"), modelDir: dir, circuitPath: path.join(dir, "circuit.circom"), visibility: { input } });
  }
  [s, salted, pub] = await Promise.all([
    startTestServer(),
    startTestServer({ modelsDir: extra, models: [SALTED] }),
    startTestServer({ modelsDir: extra, models: [PUBLIC] }),
  ]);
  url = s.url;
  g = grpcClient(s.edges.grpcAddress);
}, 600_000);
afterAll(async () => {
  g?.close();
  await Promise.all([s?.close(), salted?.close(), pub?.close()]);
  rmSync(extra, { recursive: true, force: true });
});

const jobs = () => {
  const st = s.service.stats();
  return st.queued + st.proving + st.proved + st.failed;
};
const post = (p: string, body: unknown, base = url) => json(`${base}${p}`, { method: "POST", body });
/** Refused with 400 naming `field`, and nothing stored. */
async function expect400(p: string, body: unknown, field: string, message?: RegExp, base = url) {
  const before = (await listAll(base)).length;
  const r = await post(p, body, base);
  expect(r.status, JSON.stringify(r.body)).toBe(400);
  expect(r.body.error).toMatchObject({ code: "INVALID_ARGUMENT", field });
  if (message) expect(r.body.error.message).toMatch(message);
  expect((await listAll(base)).length).toBe(before);
  return r.body.error;
}

describe("the model card", () => {
  it("states the float range the input scale represents, the preprocessing and the labels (HTTP and gRPC)", async () => {
    const m = (await json(`${url}/v1/models/digits-mlp`)).body;
    expect(m.input.floatRange).toEqual({ min: -8, max: 127 / 16 });
    expect(m.input.preprocessing.expectedRange).toEqual({ min: 0, max: 1 });
    expect(m.input.preprocessing.description).toMatch(/divided by 16/);
    expect(m.output.decision).toBe("argmax");
    expect(m.labels).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
    const gm = await g.unary("getModel", { model: "digits-mlp" });
    expect(gm.input.floatRange).toEqual(m.input.floatRange);
    expect(gm.input.preprocessing).toMatchObject({ description: m.input.preprocessing.description, expectedRange: { min: 0, max: 1 } });
    expect(gm.output.decision).toBe("argmax");
    expect(gm.labels).toEqual(m.labels);
  });
});

describe("commitment without a job", () => {
  it("equals prover/commitment.ts's and what infer then returns and proves; no job is created (HTTP and gRPC)", async () => {
    const x = digits[0];
    const before = await listAll(url);
    const c = await post("/v1/models/digits-mlp/commit", { input: x });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toEqual({ modelId: s.service.getModel("digits-mlp").id, inputCommitment: (await inputCommitment(x)).toString() });
    const gc = await g.unary("commit", { model: "digits-mlp", kind: "INPUT_KIND_INT8", values: x });
    expect(gc).toMatchObject({ inputCommitment: c.body.inputCommitment, inputSalt: "", warning: null });
    // Floats commit as their quantization: x / 16 at scale 2^4 is x again.
    const f = await post("/v1/models/digits-mlp/commit", { input: x.map((p) => p / 16), kind: "float" });
    expect(f.body.inputCommitment).toBe(c.body.inputCommitment);
    expect(await listAll(url)).toEqual(before);
    const r = await post("/v1/models/digits-mlp/infer?wait=proof&timeout=60000", { input: x });
    expect(r.body.inputCommitment).toBe(c.body.inputCommitment);
    expect(decodePublicSignals(r.body.proof.publicSignals, s.service.getModel("digits-mlp").publicSignals).inputCommitment?.toString()).toBe(c.body.inputCommitment);
  });

  it("hashed-salted input: a fresh salt, or the client's, that infer with the same salt reproduces and proves", async () => {
    const x = digits[1];
    const before = await listAll(salted.url);
    const a = await post(`/v1/models/${SALTED}/commit`, { input: x }, salted.url);
    const b = await post(`/v1/models/${SALTED}/commit`, { input: x }, salted.url);
    expect(a.body.inputSalt).toMatch(/^\d+$/);
    expect(b.body.inputSalt).not.toBe(a.body.inputSalt);
    expect(a.body.inputCommitment).toBe((await inputCommitment(x, BigInt(a.body.inputSalt))).toString());
    const mine = await post(`/v1/models/${SALTED}/commit`, { input: x, inputSalt: "12345" }, salted.url);
    expect(mine.body).toMatchObject({ inputSalt: "12345", inputCommitment: (await inputCommitment(x, 12345n)).toString() });
    const sg = grpcClient(salted.edges.grpcAddress);
    try {
      const gm = await sg.unary("commit", { model: SALTED, values: x, inputSalt: "12345" });
      expect(gm).toMatchObject({ inputSalt: "12345", inputCommitment: mine.body.inputCommitment });
    } finally {
      sg.close();
    }
    expect(await listAll(salted.url)).toEqual(before);
    const r = await post(`/v1/models/${SALTED}/infer?wait=proof&timeout=60000`, { input: x, inputSalt: a.body.inputSalt }, salted.url);
    expect(r.body).toMatchObject({ inputSalt: a.body.inputSalt, inputCommitment: a.body.inputCommitment, proof: { status: "proved" } });
    expect(decodePublicSignals(r.body.proof.publicSignals, salted.service.getModel(SALTED).publicSignals).inputCommitment?.toString()).toBe(a.body.inputCommitment);
    // The list never carries the salt of a job (it would confirm a guessed input).
    const listed = await listAll(salted.url);
    expect(listed.map((j) => j.requestId)).toContain(r.body.requestId);
    expect(JSON.stringify(listed)).not.toContain(a.body.inputSalt);
    for (const j of listed) expect(Object.keys(j).filter((k) => /salt/i.test(k))).toEqual([]);
  });

  it("refuses a public-input model (no commitment to compute) and bad input, naming the field; nothing is stored", async () => {
    const x = digits[2];
    const e = await expect400(`/v1/models/${PUBLIC}/commit`, { input: x }, "model", /input is public.*no input commitment to compute/, pub.url);
    expect(e.message).toContain(PUBLIC);
    const pg = grpcClient(pub.edges.grpcAddress);
    try {
      await expectGrpcError(pg.unary("commit", { model: PUBLIC, values: x }), status.INVALID_ARGUMENT, "model");
    } finally {
      pg.close();
    }
    await expect400("/v1/models/digits-mlp/commit", { input: x.slice(1) }, "input");
    await expect400("/v1/models/digits-mlp/commit", { input: x.map((v, i) => (i === 5 ? 128 : v)) }, "input[5]");
    await expect400("/v1/models/digits-mlp/commit", { input: x, inputSalt: "7" }, "inputSalt", /takes no salt/);
    await expect400(`/v1/models/${SALTED}/commit`, { input: x, inputSalt: "1".repeat(78) }, "inputSalt", /below BN254|BN254 r/, salted.url);
    await expect400("/v1/models/digits-mlp/commit", { input: x, escrowRequestId: "1" }, "escrowRequestId");
    await expectGrpcError(g.unary("commit", { model: "digits-mlp", values: x.map((v, i) => (i === 9 ? 1.5 : v)) }), status.INVALID_ARGUMENT, "values[9]");
    const nf = await post("/v1/models/no-such-model/commit", { input: x });
    expect(nf.status).toBe(404);
  });
});

describe("float inputs that do what they say", () => {
  // Scale 2^4: 127/16 = 7.9375 is the largest value kept; 7.97 rounds to 127.5 → 128, clipped;
  // -8 is kept, -8.04 rounds to -128.6 → -129, clipped.
  const edge = () => digits[3].map((p) => p / 16);

  it("values inside the range carry no warning, even at its ends", async () => {
    const x = edge();
    x[0] = 127 / 16;
    x[1] = -8;
    x[2] = 127.49 / 16;
    const r = await post("/v1/models/digits-mlp/infer", { input: x, kind: "float" });
    expect(r.status).toBe(200);
    expect(r.body.warning).toBeUndefined();
  });

  it("clipped values are counted in a warning naming the first (HTTP and gRPC), and the output is the clipped input's", async () => {
    const x = edge();
    x[4] = 7.97;
    x[9] = -8.04;
    x[20] = 1e6;
    const r = await post("/v1/models/digits-mlp/infer", { input: x, kind: "float" });
    expect(r.status).toBe(200);
    expect(r.body.warning).toMatchObject({ code: "INPUT_CLIPPED", clipped: 3, field: "input[4]" });
    expect(r.body.warning.message).toMatch(/3 float value\(s\) outside -8\.\.7\.9375/);
    const clipped = x.map((v) => Math.max(-128, Math.min(127, Math.sign(v) * Math.round(Math.abs(v) * 16))));
    expect(r.body.inputCommitment).toBe((await inputCommitment(clipped)).toString());
    const gr = await g.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_FLOAT", values: x });
    expect(gr.warning).toMatchObject({ code: "INPUT_CLIPPED", clipped: 3, field: "values[4]" });
    expect(gr.output).toEqual(r.body.output);
    const c = await post("/v1/models/digits-mlp/commit", { input: x, kind: "float" });
    expect(c.body).toMatchObject({ inputCommitment: r.body.inputCommitment, warning: { clipped: 3, field: "input[4]" } });
  });

  it("strict: the first value out of range is a 400 naming it, and nothing is created (HTTP and gRPC)", async () => {
    const x = edge();
    x[3] = 7.97;
    x[8] = -100;
    const e = await expect400("/v1/models/digits-mlp/infer", { input: x, kind: "float", strict: true }, "input[3]", /7\.97 is outside the range the input scale 2\^4 represents \(-8\.\.7\.9375/);
    expect(e.message).toMatch(/strict/);
    await expect400("/v1/models/digits-mlp/commit", { input: x, kind: "float", strict: true }, "input[3]");
    await expect400("/v1/models/digits-mlp/infer", { input: x, kind: "float", strict: "yes" }, "strict");
    const before = jobs();
    await expectGrpcError(g.unary("infer", { model: "digits-mlp", kind: "INPUT_KIND_FLOAT", values: x, strict: true }), status.INVALID_ARGUMENT, "values[3]");
    expect(jobs()).toBe(before);
    // Strict with every value in range: served as without it.
    const ok = await post("/v1/models/digits-mlp/infer", { input: edge(), kind: "float", strict: true });
    expect(ok.status).toBe(200);
  });
});

describe("outputs and records", () => {
  it("infer answers and records carry the dequantized output, argmax and label; the record its model and key trust", async () => {
    const m = s.service.getModel("digits-mlp");
    const r = await post("/v1/models/digits-mlp/infer?wait=proof&timeout=60000", { input: digits[4] });
    expect(r.status).toBe(200);
    const out: number[] = r.body.output;
    expect(r.body.outputFloat).toEqual(out.map((q) => q / 2 ** m.output.shift));
    const best = out.indexOf(Math.max(...out));
    expect(r.body.argmax).toBe(best);
    expect(r.body.label).toBe(String(best));
    const rec = (await json(`${url}/v1/proofs/${r.body.requestId}`)).body;
    expect(rec).toMatchObject({ modelId: m.id, modelName: "digits-mlp", status: "proved", output: out, outputFloat: r.body.outputFloat, argmax: best, label: String(best) });
    expect(rec.setup).toEqual({ trusted: false, vkeyHash: m.vkeyHash });
    const gr = await g.unary("getProof", { requestId: r.body.requestId });
    expect(gr).toMatchObject({ modelName: "digits-mlp", argmax: best, label: String(best), setup: { trusted: false, vkeyHash: m.vkeyHash } });
    expect(gr.outputFloat).toEqual(r.body.outputFloat);
  });

  it("a proved record's key trust is the one recorded at proving, not the card's of today", async () => {
    const r = await post("/v1/models/digits-mlp/infer?wait=proof&timeout=60000", { input: digits[5] });
    // As if the model had been proved under another setup before a ceremony replaced its key.
    const db = (s.service as unknown as { config: { dbPath: string } }).config.dbPath;
    const Database = (await import("better-sqlite3")).default;
    const h = new Database(db);
    h.prepare("UPDATE jobs SET setup_vkey_hash = 'older-key', setup_trusted = 1 WHERE request_id = ?").run(r.body.requestId);
    expect((await json(`${url}/v1/proofs/${r.body.requestId}`)).body.setup).toEqual({ trusted: true, vkeyHash: "older-key" });
    // Proved before the server kept it: unknown, so absent (never today's key passed off as the proof's).
    h.prepare("UPDATE jobs SET setup_vkey_hash = NULL, setup_trusted = NULL WHERE request_id = ?").run(r.body.requestId);
    h.close();
    const old = (await json(`${url}/v1/proofs/${r.body.requestId}`)).body;
    expect(old.status).toBe("proved");
    expect(old.setup).toBeUndefined();
  });

  it("a model whose card has no labels (compiled here, no data set recorded) gets the argmax only", async () => {
    const m = (await json(`${pub.url}/v1/models/${PUBLIC}`)).body;
    expect(m.labels).toBeUndefined();
    expect(m.output.decision).toBe("argmax");
    expect(m.input.preprocessing.expectedRange).toBeUndefined();
    const r = await post(`/v1/models/${PUBLIC}/infer`, { input: digits[0] }, pub.url);
    expect(r.status).toBe(200);
    expect(r.body.inputCommitment).toBeUndefined();
    expect(r.body.argmax).toBe(r.body.output.indexOf(Math.max(...r.body.output)));
    expect(r.body.label).toBeUndefined();
  });
});

describe("wait for settlement, without an escrow request", () => {
  it("wait=settlement without an escrowRequestId is a 400 naming wait, before anything is created (HTTP and gRPC)", async () => {
    await expect400("/v1/models/digits-mlp/infer?wait=settlement", { input: digits[0] }, "wait", /escrowRequestId/);
    const before = jobs();
    await expectGrpcError(g.unary("infer", { model: "digits-mlp", values: digits[0], waitForProof: true, waitForSettlement: true }), status.INVALID_ARGUMENT, "wait_for_settlement");
    expect(jobs()).toBe(before);
    const bad = await json(`${url}/v1/models/digits-mlp/infer?wait=forever`, { method: "POST", body: { input: digits[0] } });
    expect(bad.body.error).toMatchObject({ code: "INVALID_ARGUMENT", field: "wait" });
  });

  it("gRPC WaitForProof answers with the finished record; a job without an escrow request is final once proved", async () => {
    const r = await g.unary("infer", { model: "digits-mlp", values: digits[1] });
    const rec = await g.unary("waitForProof", { requestId: r.requestId, timeoutMs: 60_000, settlement: true }, { deadlineMs: 90_000 });
    expect(rec.status).toBe("PROOF_STATUS_PROVED");
    expect(rec.settlement).toBeNull();
    expect(rec.label).toBe(String(rec.argmax));
    await expectGrpcError(g.unary("waitForProof", { requestId: "nope" }), status.NOT_FOUND);
    await expectGrpcError(g.unary("waitForProof", { requestId: r.requestId, timeoutMs: 10_000_000 }), status.INVALID_ARGUMENT, "timeout_ms");
  });
});
