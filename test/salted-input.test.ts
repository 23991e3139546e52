/**
 * The hashed-salted input visibility. An unsalted input commitment of a guessable input can be
 * confirmed by hashing the guesses; salted, it cannot without the salt. The circuit computes
 * exactly prover/commitment.ts's formula, another salt gives another value, a witness cannot
 * lie about its salt, and the server hands the salt (its own or the client's) back in the infer
 * answer over HTTP and gRPC, proving with it, while the proof records (fetched, streamed) carry
 * no salt; bad salts are refused naming the field, with no job stored.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { status } from "@grpc/grpc-js";
import { compileToCircom } from "../prover/compiler/compile.ts";
import { compileModelFile, ensureCircuitBuild } from "../prover/compiler/model.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { readOnnx } from "../prover/onnx/proto.ts";
import { readFileSync } from "node:fs";
import { calculateWitness } from "../prover/witness.ts";
import { circuitInputs } from "../prover/inputs.ts";
import { freshSalt, inputCommitment, parseSalt } from "../prover/commitment.ts";
import { BN254_R, fromField, toField } from "../prover/field.ts";
import { decodePublicSignals } from "../prover/prove.ts";
import { readR1cs, firstViolated } from "../prover/r1cs.ts";
import { readSym } from "../prover/sym.ts";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { json, readSse, startTestServer, testDigits, type TestServer } from "./helpers/edge-server.ts";

const NAME = "digits-mlp-input-salted";
const graph = readOnnx(readFileSync(openModelDir("digits-mlp").onnxPath));
const digits = testDigits(3);
const scratch = path.join(REPO_ROOT, "build", "test-circuits", `salted-input-${process.pid}`);
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("salted input commitment in the circuit", () => {
  let c: Awaited<ReturnType<typeof build>>;
  async function build() {
    const compiled = compileToCircom(graph, { templateName: "DigitsMlpSalted", visibility: { input: "hashed-salted" } });
    mkdirSync(scratch, { recursive: true });
    const file = path.join(scratch, "salted.circom");
    writeFileSync(file, compiled.source);
    const b = await ensureCircuitBuild(file, path.join(scratch, "salted"));
    const layout = { visibility: compiled.visibility, weightInputs: compiled.weightInputs };
    return { compiled, layout, wasm: b.wasm, r1cs: readR1cs(b.r1cs), sym: readSym(b.sym) };
  }
  beforeAll(async () => {
    c = await build();
  }, 300_000);
  const commitmentOf = (w: bigint[]) => decodePublicSignals(w.slice(1, 1 + c.compiled.publicSignals.length).map(String), c.compiled.publicSignals).inputCommitment;

  it("the circuit's inputCommitment is prover/commitment.ts's, and differs from the unsalted one", async () => {
    expect(c.compiled.publicSignals[0]).toBe("inputCommitment");
    for (const d of digits) {
      const salt = freshSalt();
      const w = await calculateWitness(c.wasm, circuitInputs(c.layout, d.pixels, { inputSalt: salt }));
      expect(commitmentOf(w)).toBe(await inputCommitment(d.pixels, salt));
      expect(commitmentOf(w)).not.toBe(await inputCommitment(d.pixels));
      expect(firstViolated(c.r1cs, w)).toBe(-1);
    }
  });

  it("the same input twice gives different commitments; a guess without the salt confirms nothing", async () => {
    const x = digits[0].pixels;
    const [s1, s2] = [freshSalt(), freshSalt()];
    const w1 = await calculateWitness(c.wasm, circuitInputs(c.layout, x, { inputSalt: s1 }));
    const w2 = await calculateWitness(c.wasm, circuitInputs(c.layout, x, { inputSalt: s2 }));
    expect(commitmentOf(w1)).not.toBe(commitmentOf(w2));
    // The attacker's check on an unsalted commitment: hash the guessed input. It no longer matches.
    expect(await inputCommitment(x)).not.toBe(commitmentOf(w1));
    expect(await inputCommitment(x, s1)).toBe(commitmentOf(w1));
  });

  it("a witness with another salt does not give the committed value, and a lie about the salt fails the constraints", async () => {
    const x = digits[1].pixels;
    const salt = freshSalt();
    const committed = await inputCommitment(x, salt);
    const other = await calculateWitness(c.wasm, circuitInputs(c.layout, x, { inputSalt: salt + 1n }));
    expect(commitmentOf(other)).not.toBe(committed);
    const honest = await calculateWitness(c.wasm, circuitInputs(c.layout, x, { inputSalt: salt }));
    const lie = [...honest];
    const wire = c.sym.get("main.inputSalt")!;
    expect(wire).toBeGreaterThan(0);
    lie[wire] = toField(fromField(lie[wire]) + 1n);
    expect(firstViolated(c.r1cs, lie)).toBeGreaterThanOrEqual(0);
  });

  it("the prover refuses to run without the salt, naming it; salts are checked as field elements", () => {
    expect(() => circuitInputs(c.layout, digits[0].pixels)).toThrow(/inputSalt/);
    expect(parseSalt("12345", "inputSalt")).toBe(12345n);
    expect(parseSalt((BN254_R - 1n).toString(), "inputSalt")).toBe(BN254_R - 1n);
    for (const bad of [BN254_R.toString(), "-1", "0x10", "1.5", "", " 1", 1.5, null, {}]) expect(() => parseSalt(bad, "inputSalt"), JSON.stringify(bad)).toThrow(/^inputSalt: /);
  });
});

describe("salted input commitment through the server (HTTP and gRPC)", () => {
  const modelsDir = path.join(REPO_ROOT, "build", `salted-input-models-${process.pid}`);
  let s: TestServer;
  let g: GrpcClient;
  beforeAll(async () => {
    const dir = path.join(modelsDir, NAME);
    mkdirSync(dir, { recursive: true });
    copyFileSync(openModelDir("digits-mlp").onnxPath, path.join(dir, "model.int8.onnx"));
    await compileModelFile({
      name: NAME, templateName: "DigitsMlpInputSalted", onnxPath: path.join(dir, "model.int8.onnx"), modelDir: dir,
      circuitPath: path.join(dir, "circuit.circom"), visibility: { input: "hashed-salted" }, check: { randomInputs: 16 },
    });
    s = await startTestServer({ modelsDir, models: [NAME] });
    g = grpcClient(s.edges.grpcAddress);
  }, 300_000);
  afterAll(async () => {
    g?.close();
    await s?.close();
    rmSync(modelsDir, { recursive: true, force: true });
  });
  const jobs = () => {
    const st = s.service.stats();
    return st.queued + st.proving + st.proved + st.failed;
  };
  const infer = (body: unknown) => json(`${s.url}/v1/models/${NAME}/infer?wait=proof&timeout=60000`, { method: "POST", body });

  it("infer returns a fresh salt that opens the proven commitment; the proof verifies; the same input twice commits differently", async () => {
    const x = digits[0].pixels;
    const a = await infer({ input: x });
    const b = await infer({ input: x });
    expect(a.status, JSON.stringify(a.body)).toBe(200);
    expect(a.body.proof.status).toBe("proved");
    expect(a.body.inputSalt).toMatch(/^\d+$/);
    expect(a.body.inputCommitment).toBe((await inputCommitment(x, BigInt(a.body.inputSalt))).toString());
    const layout = s.service.getModel(NAME).publicSignals;
    expect(decodePublicSignals(a.body.proof.publicSignals, layout).inputCommitment?.toString()).toBe(a.body.inputCommitment);
    expect(b.body.inputSalt).not.toBe(a.body.inputSalt);
    expect(b.body.inputCommitment).not.toBe(a.body.inputCommitment);
    expect((await json(`${s.url}/v1/verify`, { method: "POST", body: { model: NAME, proof: a.body.proof.proof, publicSignals: a.body.proof.publicSignals } })).body).toEqual({ valid: true });
    // The leak: a proof record with the salt lets whoever holds it confirm a guessed input.
    const rec = await json(`${s.url}/v1/proofs/${a.body.requestId}`);
    expect(rec.body.status).toBe("proved");
    expect(rec.body.input).toBeUndefined();
    expect(JSON.stringify(rec.body)).not.toContain(a.body.inputSalt);
    // No field of the record is a salt (the model's name may well say "salted").
    expect(JSON.stringify(rec.body)).not.toMatch(/"\w*salt\w*"\s*:/i);
    const events = await readSse(`${s.url}/v1/proofs/${a.body.requestId}/events`);
    expect(events.some((e) => e.data.status === "proved")).toBe(true);
    expect(JSON.stringify(events)).not.toContain(a.body.inputSalt);
  });

  it("a client-chosen salt: the client computes the commitment before inferring, and the proof carries it (HTTP and gRPC)", async () => {
    const x = digits[1].pixels;
    const salt = freshSalt();
    const expected = (await inputCommitment(x, salt)).toString();
    const h = await infer({ input: x, inputSalt: salt.toString() });
    expect(h.body.inputSalt).toBe(salt.toString());
    expect(h.body.inputCommitment).toBe(expected);
    expect(h.body.proof.publicSignals[0]).toBe(expected);
    const r = await g.unary("infer", { model: NAME, kind: "INPUT_KIND_INT8", values: x, inputSalt: salt.toString(), waitForProof: true, timeoutMs: 60_000 }, { deadlineMs: 90_000 });
    expect(r.inputSalt).toBe(salt.toString());
    expect(r.inputCommitment).toBe(expected);
    expect(r.proof.status).toBe("PROOF_STATUS_PROVED");
    expect(r.proof.publicSignals[0]).toBe(expected);
    const rec = await g.unary("getProof", { requestId: r.requestId });
    expect(rec.publicSignals[0]).toBe(expected);
    expect(JSON.stringify(rec)).not.toContain(salt.toString());
    expect(rec.inputSalt).toBeUndefined();
    const fresh = await g.unary("infer", { model: NAME, kind: "INPUT_KIND_INT8", values: x });
    expect(fresh.inputSalt).toMatch(/^\d+$/);
    expect(fresh.inputCommitment).toBe((await inputCommitment(x, BigInt(fresh.inputSalt))).toString());
    await s.service.waitForProof(fresh.requestId, 60_000);
  });

  it("a bad salt is refused naming the field, and no job is stored", async () => {
    const before = jobs();
    for (const bad of [BN254_R.toString(), "-5", "0x1f", "1e3", "x".repeat(10)]) {
      const r = await json(`${s.url}/v1/models/${NAME}/infer`, { method: "POST", body: { input: digits[2].pixels, inputSalt: bad } });
      expect(r.status, bad).toBe(400);
      expect(r.body.error).toMatchObject({ code: "INVALID_ARGUMENT", field: "inputSalt" });
    }
    const e = await g.unary("infer", { model: NAME, values: digits[2].pixels, inputSalt: BN254_R.toString() }).catch((err) => err);
    expect(e.code).toBe(status.INVALID_ARGUMENT);
    expect(e.metadata.get("error-field")).toEqual(["input_salt"]);
    expect(jobs()).toBe(before);
  });
});
