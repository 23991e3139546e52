/**
 * Hashed weights bind the model: a proof made with all-zero weights and a chosen last bias (any
 * output) verifies under the model's key, and every off-chain verifier rejects it because its
 * weightsCommitment is not the model's: zkinfer verify, HTTP and gRPC verify, and the server's
 * check before storing a proof. The honest proof is accepted by each. Contracts: see
 * contracts-weights.test.ts.
 */
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { decodePublicSignals, verifyGroth16 } from "../prover/prove.ts";
import { runOnnx } from "../prover/onnx/runtime.ts";
import { inputCommitment } from "../prover/commitment.ts";
import { openModelDir } from "../prover/model-dir.ts";
import { readOnnx, writeOnnx } from "../prover/onnx/proto.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { loadConfig } from "../server/config/index.ts";
import { createService, silentServiceLogger } from "../server/service/index.ts";
import { loadModel } from "../server/service/models.ts";
import { proofMismatch } from "../server/service/check-proof.ts";
import { grpcClient, type GrpcClient } from "../server/grpc/client.ts";
import { json, startTestServer, type TestServer } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { HASHED_MODEL, lastBiasSum, zeroWeightsFixture, zeroWeightsGraph, type ZeroWeightsFixture } from "./helpers/zero-weights.ts";
import { zkinfer, zkinferInProcess } from "./helpers/cli.ts";

const modelsDir = path.join(REPO_ROOT, "build", `weights-binding-test-${process.pid}`);
let f: ZeroWeightsFixture;
let s: TestServer;
let grpc: GrpcClient;
const FOREIGN = new RegExp(`weightsCommitment \\(public signal 1\\) is \\d+, not model ${HASHED_MODEL}'s \\d+: the proof is for other weights`);

beforeAll(async () => {
  f = await zeroWeightsFixture(modelsDir);
  s = await startTestServer({ modelsDir, models: [HASHED_MODEL] });
  grpc = grpcClient(s.edges.grpcAddress);
}, 600_000);

afterAll(async () => {
  grpc?.close();
  await s?.close();
  await terminateSnarkjsCurves();
  rmSync(modelsDir, { recursive: true, force: true });
});


describe("the zero-weights forgery", () => {
  it("is real: snarkjs alone accepts a proof of an output the model does not give for this input", async () => {
    const forged = decodePublicSignals(f.forged.publicSignals, f.model.manifest.publicSignals);
    const honest = decodePublicSignals(f.honest.publicSignals, f.model.manifest.publicSignals);
    expect(forged.output.map(Number)).toEqual(f.forgedOutput);
    expect(forged.output).not.toEqual(honest.output);
    expect(honest.output.map(Number)).toEqual(await runOnnx(readFileSync(f.model.onnxPath), Int8Array.from(f.input)));
    expect(forged.inputCommitment).toBe(await inputCommitment(f.input));
    expect(forged.inputCommitment).toBe(honest.inputCommitment);
    expect(await verifyGroth16(f.vkey, f.forged.publicSignals, f.forged.proof)).toBe(true);
    // What tells them apart: the honest proof carries the manifest's weightsCommitment.
    expect(f.model.manifest.weightsCommitment).toBe(String(honest.weightsCommitment));
    expect(forged.weightsCommitment).not.toBe(honest.weightsCommitment);
  });

  it("zkinfer verify: the forged proof is INVALID naming the weights commitment (exit 1), the honest one valid", async () => {
    const file = (name: string, p: typeof f.honest) => {
      const out = path.join(modelsDir, `${name}.json`);
      writeFileSync(out, JSON.stringify({ model: HASHED_MODEL, proof: p.proof, publicSignals: p.publicSignals }));
      return out;
    };
    const bad = await zkinfer("verify", f.model.dir, "--proof", file("forged", f.forged)); // the file's one child process
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout.trim()).toMatch(new RegExp(`^INVALID: ${FOREIGN.source}$`));
    const ok = await zkinferInProcess("verify", f.model.dir, "--proof", file("honest", f.honest));
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trim()).toBe("valid");
  }, 60_000);

  it("HTTP verify: valid false with the reason; the honest proof is valid", async () => {
    const post = (p: typeof f.honest) => json(`${s.url}/v1/verify`, { method: "POST", body: { model: HASHED_MODEL, proof: p.proof, publicSignals: p.publicSignals } });
    const bad = await post(f.forged);
    expect(bad.status).toBe(200);
    expect(bad.body.valid).toBe(false);
    expect(bad.body.reason).toMatch(FOREIGN);
    expect((await post(f.honest)).body).toEqual({ valid: true });
    // A client verifying on its own learns the expected commitment from the model card.
    expect((await json(`${s.url}/v1/models/${HASHED_MODEL}`)).body.weightsCommitment).toBe(f.model.manifest.weightsCommitment);
  });

  it("gRPC verify: valid false with the reason; the honest proof is valid", async () => {
    const call = (p: typeof f.honest) => grpc.unary("verify", { model: HASHED_MODEL, proofJson: JSON.stringify(p.proof), publicSignals: p.publicSignals });
    const bad = await call(f.forged);
    expect(bad.valid).toBe(false);
    expect(bad.reason).toMatch(FOREIGN);
    expect(await call(f.honest)).toEqual({ valid: true, reason: "" });
    expect((await grpc.unary("getModel", { model: HASHED_MODEL })).weightsCommitment).toBe(f.model.manifest.weightsCommitment);
  });

  it("the server's proof check refuses a proof with other weights, even one of the served output", async () => {
    const m = await loadModel(HASHED_MODEL, s.config, silentServiceLogger);
    try {
      const served = await runOnnx(readFileSync(f.model.onnxPath), Int8Array.from(f.input));
      const job = { input: f.input, output: served, inputCommitment: String(await inputCommitment(f.input)) };
      expect(await proofMismatch(m, job, f.honest.publicSignals)).toBeUndefined();
      expect(await proofMismatch(m, job, f.forged.publicSignals)).toMatch(FOREIGN);
    } finally {
      await m.session.session.release();
    }
  });

  it("the server never stores a worker's proof made with other weights, even of the served output; the honest one is stored", async () => {
    const honest = await s.service.infer(HASHED_MODEL, { kind: "int8", values: f.input });
    const proved = await s.service.waitForProof(honest.requestId, 120_000);
    expect(proved.status, proved.error).toBe("proved");
    expect(await s.service.verify(HASHED_MODEL, proved.proof, proved.publicSignals)).toEqual({ valid: true });

    // A second server whose model file is swapped after start: onnxruntime serves the real
    // weights, the worker proves with zero weights and a last bias equal to the sum it feeds in the
    // honest model, so the served output is the honest one.
    const copy = path.join(modelsDir, "swapped", HASHED_MODEL);
    cpSync(f.model.dir, copy, { recursive: true });
    const tmp = makeTempDir("zkinfer-weights-");
    const other = await createService({ modelsDir: path.dirname(copy), models: [HASHED_MODEL], poolThreads: 1, dbPath: tmp.file("jobs.sqlite"), chain: { mode: "off" } }, { logger: silentServiceLogger });
    try {
      const graph = readOnnx(readFileSync(f.model.onnxPath));
      const weights = f.model.manifest.weightInputs!;
      writeFileSync(path.join(copy, "model.int8.onnx"), writeOnnx(zeroWeightsGraph(graph, weights, lastBiasSum(graph, weights, f.input))));
      const r = await other.infer(HASHED_MODEL, { kind: "int8", values: f.input });
      expect(r.output).toEqual(honest.output);
      const rec = await other.waitForProof(r.requestId, 120_000);
      expect(rec.status).toBe("failed");
      expect(rec.error).toMatch(FOREIGN);
      expect(rec.proof).toBeUndefined();
      expect(rec.publicSignals).toBeUndefined();
    } finally {
      await other.close();
      tmp.remove();
    }
  });

  it("the server refuses to start on a manifest whose weightsCommitment is not its ONNX weights", async () => {
    const copy = path.join(modelsDir, "stale", HASHED_MODEL);
    cpSync(f.model.dir, copy, { recursive: true });
    const manifestPath = path.join(copy, "manifest.json");
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    writeFileSync(manifestPath, JSON.stringify({ ...manifest, weightsCommitment: "12345" }));
    const config = loadConfig({ env: {}, overrides: { modelsDir: path.dirname(copy), models: [HASHED_MODEL] } });
    await expect(loadModel(HASHED_MODEL, config, silentServiceLogger)).rejects.toThrow(
      `model ${HASHED_MODEL}: the manifest's weightsCommitment 12345 is not the commitment of its ONNX weights ${f.model.manifest.weightsCommitment}`,
    );
    expect(openModelDir(copy).manifest.weightsCommitment).toBe("12345"); // nothing rewritten
  });
});
