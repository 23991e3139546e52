/**
 * A paid inference of a hashed-salted-input model through the client, on a real chain: the
 * client draws the salt and computes the salted commitment itself (no throw-away inference),
 * opens the escrow request on it, infers with that salt, and the proof settles the request.
 */
import { rmSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../prover/circom.ts";
import { inputCommitment } from "../prover/commitment.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { testDigits } from "./helpers/edge-server.ts";
import { SALTED_DIGITS, saltedDigitsModel } from "./helpers/salted-digits.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";
import { ZkinferClient } from "../client/index.ts";

const NAME = SALTED_DIGITS;
const modelsDir = path.join(REPO_ROOT, "build", `client-salted-models-${process.pid}`);
const tmp = makeTempDir("zkinfer-client-salted-");
const x = Array.from(testDigits(1)[0]!.pixels);
let p: PayChain;
let server: PayServer;
let zk: ZkinferClient;

beforeAll(async () => {
  await saltedDigitsModel(modelsDir);
  p = await startPayChain();
  server = await startPayServer(p, tmp.file("jobs.sqlite"), {}, { modelsDir, models: [NAME] });
  zk = new ZkinferClient({ baseUrl: server.url });
}, 600_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  rmSync(modelsDir, { recursive: true, force: true });
  await terminateSnarkjsCurves();
});

describe("inferPaid on a hashed-salted model", () => {
  it("commits with a fresh client-side salt, and the proof on that commitment settles the request", async () => {
    const paid = await zk.inferPaid({ signer: p.client, modelId: NAME, input: x, wait: { timeoutMs: 90_000 } });
    const salt = paid.request.inputSalt!;
    expect(salt).toMatch(/^\d+$/);
    expect(paid.request.inputCommitment).toBe(String(await inputCommitment(x, BigInt(salt))));
    expect(paid.result).toMatchObject({ inputSalt: salt, inputCommitment: paid.request.inputCommitment, escrowRequestId: paid.request.requestId });
    expect(paid.record.settlement!.status).toBe("settled");
    expect(Number((await p.escrow.getFunction("request")(BigInt(paid.request.requestId))).status)).toBe(2);
    expect((await zk.verifyLocally(paid.record, NAME)).valid).toBe(true);
  });

  it("takes the caller's salt", async () => {
    const r = await zk.openEscrowRequest({ signer: p.client, modelId: NAME, input: x, inputSalt: "424242" });
    expect(r).toMatchObject({ inputSalt: "424242", inputCommitment: String(await inputCommitment(x, 424242n)) });
  });
});
