/**
 * GET /v1/chain where there is no chain, and the embedded chain of `npm start`: a server
 * without settlement says so (404 on HTTP, NOT_FOUND on gRPC, the client's chain() throws), and
 * the local chain the gateway starts publishes the ProvenOracle it deploys.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Contract, JsonRpcProvider } from "ethers";
import { json, startTestServer, type TestServer } from "./helpers/edge-server.ts";
import { grpcClient } from "../server/grpc/client.ts";
import { loadConfig } from "../server/config/index.ts";
import { startDefaultChain } from "../server/gateway.ts";
import { provenOracleAbi, inferenceEscrowAbi } from "../verifier-contracts/abi/index.ts";
import { terminateSnarkjsCurves } from "../prover/snarkjs.ts";
import { ZkinferClient, ZkinferClientError } from "../client/index.ts";

let s: TestServer;

beforeAll(async () => {
  s = await startTestServer({ chain: { mode: "off" }, apiKeys: ["k1"] });
}, 300_000);

afterAll(async () => {
  await s?.close();
  await terminateSnarkjsCurves();
});

describe("chain discovery without a chain", () => {
  it("answers 404 NOT_FOUND saying settlement is not configured, on HTTP, gRPC and through the client", async () => {
    const r = await json(`${s.url}/v1/chain`, { headers: { authorization: "Bearer k1" } });
    expect(r.status).toBe(404);
    expect(r.body.error).toMatchObject({ code: "NOT_FOUND", field: "chain" });
    expect(r.body.error.message).toMatch(/settlement is not configured on this server \(options\.chain\.mode is off/);
    const c = grpcClient(s.edges.grpcAddress, { apiKey: "k1" });
    try {
      const e = await c.unary("getChain", {}).catch((x: { code: number; details: string }) => x);
      expect(e).toMatchObject({ code: 5 }); // NOT_FOUND
      expect((e as { details: string }).details).toMatch(/settlement is not configured/);
    } finally {
      c.close();
    }
    const e = await new ZkinferClient({ baseUrl: s.url, apiKey: "k1" }).chain().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ZkinferClientError);
    expect(e).toMatchObject({ code: "HTTP", field: "chain", http: { status: 404, code: "NOT_FOUND" } });
  });

  it("is protected like /v1: the client sends its API key, and a wrong one is UNAUTHENTICATED naming the header", async () => {
    expect((await json(`${s.url}/v1/chain`)).status).toBe(401);
    const ok = new ZkinferClient({ baseUrl: s.url, apiKey: "k1" });
    expect((await ok.models()).map((m) => m.name)).toEqual(["digits-mlp"]);
    const e = await new ZkinferClient({ baseUrl: s.url, apiKey: "nope" }).models().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ZkinferClientError);
    expect(e).toMatchObject({ code: "HTTP", http: { status: 401, code: "UNAUTHENTICATED" } });
  });
});

describe("npm start's embedded chain", () => {
  it("fills chain.oracle with the ProvenOracle it deploys, bound to the escrow's registry", async () => {
    const started = await startDefaultChain(loadConfig({ env: {} }));
    try {
      const ch = started.config.chain;
      expect(ch.oracle).toMatch(/^0x[0-9a-fA-F]{40}$/);
      expect(ch.oracle).toBe(started.oracle);
      const provider = new JsonRpcProvider(ch.rpcUrl);
      try {
        const oracle = new Contract(ch.oracle, provenOracleAbi, provider);
        const escrow = new Contract(ch.escrow, inferenceEscrowAbi, provider);
        expect(await oracle.getFunction("registry")()).toBe(await escrow.getFunction("registry")());
        expect(await oracle.getFunction("nextFeedId")()).toBeTypeOf("bigint");
      } finally {
        provider.destroy();
      }
    } finally {
      await started.chain?.stop();
    }
  });
});
