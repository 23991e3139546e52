/**
 * A hashed-output model served end to end: the service hands the client the salt in the infer
 * answer, and the served output with that salt opens the proof's public output commitment. The
 * proof record (fetched or streamed by request id) never carries the salt.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileModelFile } from "../../prover/compiler/model.ts";
import { REPO_ROOT } from "../../prover/circom.ts";
import { outputCommitment } from "../../prover/commitment.ts";
import { decodePublicSignals } from "../../prover/prove.ts";
import { terminateSnarkjsCurves } from "../../prover/snarkjs.ts";
import { loadDigits, splitDigits } from "../../models/lib/digits.ts";
import { createService, silentServiceLogger, type Service } from "./index.ts";

// circom only sees files below the repo root, so the variant's circuit is built under build/.
const modelsDir = path.join(REPO_ROOT, "build", `hashed-output-test-${process.pid}`);
const dbDir = mkdtempSync(path.join(os.tmpdir(), "zkinfer-hashed-"));
let service: Service;

beforeAll(async () => {
  const dir = path.join(modelsDir, "digits-mlp-output-hashed");
  mkdirSync(dir, { recursive: true });
  copyFileSync(path.join(REPO_ROOT, "models", "digits-mlp", "model.int8.onnx"), path.join(dir, "model.int8.onnx"));
  await compileModelFile({
    name: "digits-mlp-output-hashed",
    templateName: "DigitsMlpOutputHashed",
    onnxPath: path.join(dir, "model.int8.onnx"),
    modelDir: dir,
    circuitPath: path.join(dir, "circuit.circom"),
    visibility: { output: "hashed" }, check: { randomInputs: 16 },
  });
  service = await createService(
    { modelsDir, models: ["digits-mlp-output-hashed"], poolThreads: 1, dbPath: path.join(dbDir, "jobs.sqlite"), chain: { mode: "off" } },
    { logger: silentServiceLogger },
  );
}, 300_000);

afterAll(async () => {
  await service?.close();
  await terminateSnarkjsCurves();
  rmSync(modelsDir, { recursive: true, force: true });
  rmSync(dbDir, { recursive: true, force: true });
});

describe("a hashed-output model", () => {
  it("returns the salt that opens the proof's output commitment; the proof record holds no salt", async () => {
    const digit = splitDigits(loadDigits()).test[0];
    const r = await service.infer("digits-mlp-output-hashed", { kind: "int8", values: digit.pixels });
    expect(r.outputSalt).toMatch(/^\d+$/);
    const streamed: string[] = [];
    const off = service.watch(r.requestId, (rec) => streamed.push(JSON.stringify(rec)));
    const proved = await service.waitForProof(r.requestId, 120_000);
    off();
    expect(proved.status).toBe("proved");
    // The leak: a record with the salt lets its holder confirm a guessed output.
    for (const text of [JSON.stringify(proved), JSON.stringify(service.getProof(r.requestId)), ...streamed]) {
      expect(text).not.toContain(r.outputSalt);
      expect(text).not.toMatch(/salt/i);
    }
    expect(streamed.length).toBeGreaterThan(1);
    // Nor the output values: a hashed output is the client's; the record has what the proof has.
    expect(proved.output).toEqual([]);
    for (const text of streamed) expect(JSON.parse(text).output).toEqual([]);
    const pub = decodePublicSignals(proved.publicSignals!, service.getModel("digits-mlp-output-hashed").publicSignals);
    expect(pub.output).toEqual([]);
    expect(pub.outputCommitment).toBe(await outputCommitment(r.output, BigInt(r.outputSalt!)));
    expect(pub.outputCommitment).not.toBe(await outputCommitment(r.output.map((v, i) => (i === 0 ? v + 1 : v)), BigInt(r.outputSalt!)));
    expect(await service.verify("digits-mlp-output-hashed", proved.proof, proved.publicSignals)).toEqual({ valid: true });
  }, 120_000);

  it("takes no paid request: its price says why, and infer with an escrowRequestId is refused before anything is stored", async () => {
    const price = service.getPrice("digits-mlp-output-hashed");
    expect(price.paidRequests).toBe(false);
    expect(price.reason).toContain("has a hashed output: the escrow refuses such models (ModelOutputHashed)");
    const before = service.stats();
    const digit = splitDigits(loadDigits()).test[1];
    const err = await service.infer("digits-mlp-output-hashed", { kind: "int8", values: digit.pixels, escrowRequestId: "1" }).then(() => undefined, (e: unknown) => e);
    expect(err).toMatchObject({ code: "INVALID_ARGUMENT", field: "escrowRequestId" });
    expect((err as Error).message).toContain("ModelOutputHashed");
    expect(service.stats()).toEqual(before);
  });
});
