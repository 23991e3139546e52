/**
 * The attack: the registry already holds a record for the served model's id (a public hash of
 * its ONNX bytes) naming the verifier of another trusted setup. Before the server checked the
 * record, it took the record as its own: it advertised paid requests, admitted them, returned
 * the output at once and proved, and then every settle() reverted with InvalidProof, so the
 * client refunded after the deadline with the output and a published proof in hand. Now the
 * record's verifier code, layout and weights must be the server's own, or the model takes no
 * paid requests (free calls still work).
 */
import Database from "better-sqlite3";
import { type Contract } from "ethers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { registerModel } from "../verifier-contracts/contracts.ts";
import { deployVerifier } from "../verifier-contracts/groth16-verifier.ts";
import { proveModelInputs } from "../verifier-contracts/model-proofs.ts";
import { embedsVerifyingKey } from "../server/settlement/registration-check.ts";
import { json, testDigits } from "./helpers/edge-server.ts";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { openRequest, pollProof, startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";

const tmp = makeTempDir("zkinfer-registry-mismatch-");
const dbPath = tmp.file("jobs.sqlite");
const digits = testDigits(1).map((d) => d.pixels);
let p: PayChain;
let server: PayServer;
let otherVerifier: string;
let ownSol: string;

/** digits-mlp's verifier with another setup's delta (its gamma): a valid verifier that rejects this server's proofs. */
function anotherSetup(sol: string): string {
  const gamma = Object.fromEntries([...sol.matchAll(/uint256 constant gamma(x1|x2|y1|y2)\s*=\s*(\d+);/g)].map((m) => [m[1], m[2]]));
  const out = sol.replace(/(uint256 constant delta(x1|x2|y1|y2)\s*=\s*)\d+;/g, (_, pre: string, k: string) => `${pre}${gamma[k]};`);
  expect(Object.keys(gamma)).toHaveLength(4);
  expect(out).not.toBe(sol);
  return out;
}

beforeAll(async () => {
  p = await startPayChain();
  const A = await proveModelInputs("digits-mlp", []);
  ownSol = A.verifierSol;
  otherVerifier = await (await deployVerifier(p.operator, anotherSetup(A.verifierSol))).getAddress();
  await registerModel(p.registry as Contract, A.model.manifest, otherVerifier, "ipfs://another-setup");
  server = await startPayServer(p, dbPath, { minPriceWei: "1" });
}, 180_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

describe("a registry record that is not the server's own", () => {
  it("another setup's verifier under the model's id: no paid requests (price says why, infer refuses, nothing stored); free calls still proved", async () => {
    const modelId = server.service.getModel("digits-mlp").id;
    const price = await json(`${server.url}/v1/models/digits-mlp/price`);
    expect(price.body.paidRequests).toBe(false);
    expect(price.body.reason).toContain(`with verifier ${otherVerifier} (code hash 0x`);
    expect(price.body.reason).toContain("which is not this server's verifier");

    const id = await openRequest(p, modelId, digits[0]);
    const r = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[0], escrowRequestId: String(id) } });
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    expect(r.body.error).toMatchObject({ code: "INVALID_ARGUMENT", field: "escrowRequestId" });
    expect(r.body.error.message).toContain("which is not this server's verifier");
    const db = new Database(dbPath, { readonly: true });
    try {
      expect((db.prepare("SELECT COUNT(*) AS n FROM jobs WHERE escrow_request_id IS NOT NULL").get() as { n: number }).n).toBe(0);
    } finally {
      db.close();
    }

    const free = await json(`${server.url}/v1/models/digits-mlp/infer`, { method: "POST", body: { input: digits[0] } });
    expect(free.status).toBe(200);
    await pollProof(server.url, free.body.requestId, (x) => x.status === "proved");
  }, 120_000);
});

describe("a record this server made, compiled by another solc", () => {
  it("is still recognised by the verifying key's constants in its code; another setup's verifier is not", async () => {
    const vkey = server.service.getVkey("digits-mlp") as Record<string, unknown>;
    // Other optimizer settings stand in for another compiler: other bytecode, the same key.
    const elsewhere = await deployVerifier(p.operator, ownSol, { optimizerRuns: 1 });
    const usual = await deployVerifier(p.operator, ownSol);
    const code = (c: Contract) => c.getAddress().then((a) => p.chain.provider.getCode(a));
    expect(await code(elsewhere)).not.toBe(await code(usual));
    expect(embedsVerifyingKey(await code(elsewhere), vkey)).toBe(true);
    expect(embedsVerifyingKey(await code(usual), vkey)).toBe(true);
    expect(embedsVerifyingKey(await p.chain.provider.getCode(otherVerifier), vkey)).toBe(false);
  });
});
