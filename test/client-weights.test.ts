/**
 * verifyLocally against the zero-weights forgery: a hashed-weights model (the breast-cancer risk
 * model) served by the real gateway, and a proof made with its real proving key whose private
 * weights are all zero and whose last bias is chosen. The verifying key accepts it; only the
 * public weightsCommitment shows it is a proof of other weights, and the client must say so.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "./helpers/edge-server.ts";
import { HASHED_MODEL, zeroWeightsFixture, type ZeroWeightsFixture } from "./helpers/zero-weights.ts";
import { REPO_ROOT } from "../prover/circom.ts";
import { decodePublicSignals } from "../prover/prove.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { ZkinferClient } from "../client/index.ts";

const modelsDir = path.join(REPO_ROOT, "build", `client-weights-test-${process.pid}`);
let f: ZeroWeightsFixture;
let s: TestServer;
let zk: ZkinferClient;

beforeAll(async () => {
  f = await zeroWeightsFixture(modelsDir);
  s = await startTestServer({ modelsDir, models: [HASHED_MODEL] });
  zk = new ZkinferClient({ baseUrl: s.url });
}, 600_000);

afterAll(async () => {
  await s?.close();
  rmSync(modelsDir, { recursive: true, force: true });
  await terminateSnarkjsCurves();
});

describe("verifyLocally on a hashed-weights model", () => {
  it("accepts the honest proof, with the weights commitment checked", async () => {
    const v = await zk.verifyLocally({ proof: f.honest.proof, publicSignals: f.honest.publicSignals }, HASHED_MODEL);
    expect(v.reason).toBeUndefined();
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([["vkeyHash", true], ["signals", true], ["weightsCommitment", true], ["groth16", true]]);
  });

  it("refuses the zero-weights proof that the verifying key accepts, naming the weights commitment", async () => {
    const card = await zk.model(HASHED_MODEL);
    const forged = { proof: f.forged.proof, publicSignals: f.forged.publicSignals, output: f.forgedOutput, modelId: card.id };
    const v = await zk.verifyLocally(forged, card);
    expect(v.valid).toBe(false);
    expect(v.checks.find((c) => c.name === "groth16")!.ok).toBe(true); // the key alone is fooled
    const w = decodePublicSignals(f.forged.publicSignals, f.model.manifest.publicSignals).weightsCommitment;
    expect(v.reason).toBe(`weightsCommitment: proof's weightsCommitment ${w}, card's ${card.weightsCommitment}`);
  });
});
