/**
 * The escrow flow with a salted input commitment, on a real local chain: the client picks the
 * salt, computes the commitment itself, opens the escrow request on it, then infers with that
 * salt; the job is proved and settled. A request opened on the unsalted commitment of the same
 * input is refused at infer (409): the salt really is part of what is committed.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { freshSalt, inputCommitment } from "../prover/commitment.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { SALTED_DIGITS, saltedDigitsModel } from "./helpers/salted-digits.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { openRequest, pollProof, settlementDone, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";

const NAME = SALTED_DIGITS;
const modelsDir = path.join(REPO_ROOT, "build", `salted-escrow-models-${process.pid}`);
const tmp = makeTempDir("zkinfer-salted-escrow-");
const [x] = testDigits(1).map((d) => d.pixels);
let p: PayChain;
let server: PayServer;
let modelId: string;

beforeAll(async () => {
  await saltedDigitsModel(modelsDir);
  p = await startPayChain();
  server = await startPayServer(p, tmp.file("jobs.sqlite"), {}, { modelsDir, models: [NAME] });
  modelId = server.service.getModel(NAME).id;
}, 300_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  rmSync(modelsDir, { recursive: true, force: true });
  await terminateSnarkjsCurves();
});

const infer = (body: unknown) => json(`${server.url}/v1/models/${NAME}/infer`, { method: "POST", body });

describe("escrow with a salted input commitment", () => {
  it("the client commits with its own salt before inferring; the proof settles the request", async () => {
    const salt = freshSalt();
    const id = await openRequest(p, modelId, x, { commitment: await inputCommitment(x, salt) });
    const r = await infer({ input: x, escrowRequestId: id.toString(), inputSalt: salt.toString() });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.inputSalt).toBe(salt.toString());
    const rec = await pollProof(server.url, r.body.requestId, settlementDone, 60_000);
    expect(rec.status).toBe("proved");
    expect(rec.settlement).toMatchObject({ status: "settled", error: null });
    expect(Number((await p.escrow.getFunction("request")(id)).status)).toBe(2); // Settled
  }, 120_000);

  it("a request opened on the unsalted commitment is refused for a salted job, naming the salt", async () => {
    const id = await openRequest(p, modelId, x); // inputCommitment(x), no salt
    const r = await infer({ input: x, escrowRequestId: id.toString() });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body.error.message).toContain(`escrow request ${id} is for input commitment ${await inputCommitment(x)}, but this input commits to `);
    expect(r.body.error.message).toContain("send the inputSalt the request's commitment was made with");
    expect(server.service.stats().queued + server.service.stats().proving + server.service.stats().proved).toBe(1); // only the first test's job
    expect(Number((await p.escrow.getFunction("request")(id)).status)).toBe(1); // still Open
  }, 120_000);
});
