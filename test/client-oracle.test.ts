/**
 * readOracle on a real chain: digits-mlp compiled with a nonce (the observation time) is
 * registered, a feed publishes one of its outputs, a real proof is submitted, and the client
 * reads the value from the oracle the gateway names on GET /v1/chain, refusing it once stale.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Contract } from "ethers";
import { makeTempDir } from "./helpers/temp-dir.ts";
import { testDigits } from "./helpers/edge-server.ts";
import { startPayChain, startPayServer, type PayChain, type PayServer } from "./helpers/settlement-chain.ts";
import { deployVerifier } from "../verifier-contracts/groth16-verifier.ts";
import { registerModel, registrationFromManifest, settleArgs } from "../verifier-contracts/contracts.ts";
import { nonceVariant, type NonceVariant } from "../verifier-contracts/nonce-variant.ts";
import { decodePublicSignals } from "../prover/prove.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { ZkinferClient, ZkinferClientError } from "../client/index.ts";

const tmp = makeTempDir("zkinfer-client-oracle-");
let p: PayChain;
let server: PayServer;
let V: NonceVariant;
let zk: ZkinferClient;
let feedId: bigint;
let observedAt: bigint;
let proven: bigint;

const send = async (c: Contract, fn: string, ...a: unknown[]) => (await c.getFunction(fn)(...a)).wait();

beforeAll(async () => {
  const chainP = startPayChain();
  V = await nonceVariant("digits-mlp");
  p = await chainP;
  server = await startPayServer(p, tmp.file("jobs.sqlite"), { oracle: await p.oracle.getAddress() });
  zk = new ZkinferClient({ baseUrl: server.url });
  const verifier = await (await deployVerifier(p.operator, V.verifierSol)).getAddress();
  await registerModel(p.registry, V.model.manifest, verifier, "zkinfer:digits-mlp-nonce");
  const modelId = registrationFromManifest(V.model.manifest).modelId;
  await send(p.oracle, "createFeed", modelId, 1, p.operator.address); // out[0], after the input commitment
  feedId = (await p.oracle.getFunction("nextFeedId")()) - 1n;
  observedAt = BigInt((await p.chain.provider.getBlock("latest"))!.timestamp);
  const proof = await V.prove(Array.from(testDigits(1)[0]!.pixels), observedAt);
  proven = decodePublicSignals(proof.publicSignals, V.model.manifest.publicSignals).output[0]!;
  await send(p.oracle, "submit", feedId, ...settleArgs(proof.proof, proof.publicSignals));
}, 600_000);

afterAll(async () => {
  await server?.close();
  await p?.stop();
  tmp.remove();
  await terminateSnarkjsCurves();
});

describe("readOracle", () => {
  it("reads the proven value and its observation time from the gateway's oracle", async () => {
    const v = await zk.readOracle({ provider: p.chain.provider, feedId, maxAge: 3600 });
    expect(v).toEqual({
      oracle: await p.oracle.getAddress(), feedId, value: proven, updatedAt: observedAt,
      modelId: registrationFromManifest(V.model.manifest).modelId, outputIndex: 1, inputCommitment: v.inputCommitment,
    });
    expect(v.inputCommitment).toBeGreaterThan(0n);
  });

  it("refuses a stale value (the oracle's own rule) and an unknown feed, naming them", async () => {
    await p.chain.provider.send("evm_increaseTime", [120]);
    await p.chain.provider.send("evm_mine", []);
    const stale = await zk.readOracle({ provider: p.chain.provider, feedId, maxAge: 60 }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(ZkinferClientError);
    expect(stale).toMatchObject({ code: "CHAIN", field: "maxAge" });
    expect((stale as Error).message).toBe(`maxAge: feed ${feedId}'s value was observed at ${observedAt}, more than 60 s ago`);
    expect((await zk.readOracle({ provider: p.chain.provider, feedId })).value).toBe(proven); // no maxAge: the value as stored
    const unknown = await zk.readOracle({ provider: p.chain.provider, feedId: feedId + 100n }).catch((e: unknown) => e);
    expect(unknown).toMatchObject({ code: "CHAIN", field: "feedId" });
    expect((unknown as Error).message).toMatch(/^feedId: no feed \d+ on oracle 0x/);
  });
});
